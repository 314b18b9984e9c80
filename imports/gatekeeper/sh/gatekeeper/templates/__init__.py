from __future__ import annotations

from pkgutil import extend_path
__path__ = extend_path(__path__, __name__)

import abc
import builtins
import datetime
import enum
import typing

import jsii
import publication
import typing_extensions

from jsii._type_checking import cached_type_hints, check_type


from ._jsii import *

class _LazyImport:
    def __init__(self, module_name: str) -> None:
        self._module_name = module_name
        self._module: typing.Any = None
    def __getattr__(self, name: str) -> typing.Any:
        if self._module is None:
            import importlib
            self._module = importlib.import_module(self._module_name)
        return getattr(self._module, name)

if typing.TYPE_CHECKING:

    import cdk8s as _cdk8s_d3d9af27
    import constructs as _constructs_77d1e7e8
else:

    _cdk8s_d3d9af27 = _LazyImport("cdk8s")
    _constructs_77d1e7e8 = _LazyImport("constructs")


class ConstraintTemplate(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplate",
):
    '''
    :schema: ConstraintTemplate
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "ConstraintTemplate" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param metadata: 
        :param spec: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__301c7b4478cbb2b18d3de621a336ecc0a967ab37c6b612f09ab0716201737ca5)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = ConstraintTemplateProps(metadata=metadata, spec=spec)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "ConstraintTemplate".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param metadata: 
        :param spec: 
        '''
        props = ConstraintTemplateProps(metadata=metadata, spec=spec)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "ConstraintTemplate".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateProps",
    jsii_struct_bases=[],
    name_mapping={"metadata": "metadata", "spec": "spec"},
)
class ConstraintTemplateProps:
    def __init__(
        self,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param metadata: 
        :param spec: 

        :schema: ConstraintTemplate
        '''
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if isinstance(spec, dict):
            spec = ConstraintTemplateSpec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__a2f59b3780c4da9c5413b90139fa820c9ae98b466b4c34df730dcec69a31a8ef)
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if metadata is not None:
            self._values["metadata"] = metadata
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: ConstraintTemplate#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateSpec"]:
        '''
        :schema: ConstraintTemplate#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateSpec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateProps(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpec",
    jsii_struct_bases=[],
    name_mapping={"crd": "crd", "targets": "targets"},
)
class ConstraintTemplateSpec:
    def __init__(
        self,
        *,
        crd: typing.Optional[typing.Union["ConstraintTemplateSpecCrd", typing.Dict[builtins.str, typing.Any]]] = None,
        targets: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateSpecTargets", typing.Dict[builtins.str, typing.Any]]]] = None,
    ) -> None:
        '''
        :param crd: 
        :param targets: 

        :schema: ConstraintTemplateSpec
        '''
        if isinstance(crd, dict):
            crd = ConstraintTemplateSpecCrd(**crd)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__f7d6bc88ec06513aa48d53bce23e94900d390682bde160d3e9db956d49cd711c)
            check_type(argname="argument crd", value=crd, expected_type=type_hints["crd"])
            check_type(argname="argument targets", value=targets, expected_type=type_hints["targets"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if crd is not None:
            self._values["crd"] = crd
        if targets is not None:
            self._values["targets"] = targets

    @builtins.property
    def crd(self) -> typing.Optional["ConstraintTemplateSpecCrd"]:
        '''
        :schema: ConstraintTemplateSpec#crd
        '''
        result = self._values.get("crd")
        return typing.cast(typing.Optional["ConstraintTemplateSpecCrd"], result)

    @builtins.property
    def targets(self) -> typing.Optional[typing.List["ConstraintTemplateSpecTargets"]]:
        '''
        :schema: ConstraintTemplateSpec#targets
        '''
        result = self._values.get("targets")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateSpecTargets"]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecCrd",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec"},
)
class ConstraintTemplateSpecCrd:
    def __init__(
        self,
        *,
        spec: typing.Optional[typing.Union["ConstraintTemplateSpecCrdSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 

        :schema: ConstraintTemplateSpecCrd
        '''
        if isinstance(spec, dict):
            spec = ConstraintTemplateSpecCrdSpec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__b9bb6467ff3b7d047a530d5ed120bee5e191aff9391fd8fd39456c34c903df93)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateSpecCrdSpec"]:
        '''
        :schema: ConstraintTemplateSpecCrd#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateSpecCrdSpec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecCrd(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecCrdSpec",
    jsii_struct_bases=[],
    name_mapping={"names": "names", "validation": "validation"},
)
class ConstraintTemplateSpecCrdSpec:
    def __init__(
        self,
        *,
        names: typing.Optional[typing.Union["ConstraintTemplateSpecCrdSpecNames", typing.Dict[builtins.str, typing.Any]]] = None,
        validation: typing.Optional[typing.Union["ConstraintTemplateSpecCrdSpecValidation", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param names: 
        :param validation: 

        :schema: ConstraintTemplateSpecCrdSpec
        '''
        if isinstance(names, dict):
            names = ConstraintTemplateSpecCrdSpecNames(**names)
        if isinstance(validation, dict):
            validation = ConstraintTemplateSpecCrdSpecValidation(**validation)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__915b09b2eb4233ee3cd24256ed3cb8be02c0602b21ff55134537380cf0b23eec)
            check_type(argname="argument names", value=names, expected_type=type_hints["names"])
            check_type(argname="argument validation", value=validation, expected_type=type_hints["validation"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if names is not None:
            self._values["names"] = names
        if validation is not None:
            self._values["validation"] = validation

    @builtins.property
    def names(self) -> typing.Optional["ConstraintTemplateSpecCrdSpecNames"]:
        '''
        :schema: ConstraintTemplateSpecCrdSpec#names
        '''
        result = self._values.get("names")
        return typing.cast(typing.Optional["ConstraintTemplateSpecCrdSpecNames"], result)

    @builtins.property
    def validation(self) -> typing.Optional["ConstraintTemplateSpecCrdSpecValidation"]:
        '''
        :schema: ConstraintTemplateSpecCrdSpec#validation
        '''
        result = self._values.get("validation")
        return typing.cast(typing.Optional["ConstraintTemplateSpecCrdSpecValidation"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecCrdSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecCrdSpecNames",
    jsii_struct_bases=[],
    name_mapping={"kind": "kind", "short_names": "shortNames"},
)
class ConstraintTemplateSpecCrdSpecNames:
    def __init__(
        self,
        *,
        kind: typing.Optional[builtins.str] = None,
        short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
    ) -> None:
        '''
        :param kind: 
        :param short_names: 

        :schema: ConstraintTemplateSpecCrdSpecNames
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__e634ab64d19face73e3d7c3ab80f131aeb42cc96c362ee134336c833b7e5b24d)
            check_type(argname="argument kind", value=kind, expected_type=type_hints["kind"])
            check_type(argname="argument short_names", value=short_names, expected_type=type_hints["short_names"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if kind is not None:
            self._values["kind"] = kind
        if short_names is not None:
            self._values["short_names"] = short_names

    @builtins.property
    def kind(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateSpecCrdSpecNames#kind
        '''
        result = self._values.get("kind")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def short_names(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateSpecCrdSpecNames#shortNames
        '''
        result = self._values.get("short_names")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecCrdSpecNames(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecCrdSpecValidation",
    jsii_struct_bases=[],
    name_mapping={
        "legacy_schema": "legacySchema",
        "open_apiv3_schema": "openApiv3Schema",
    },
)
class ConstraintTemplateSpecCrdSpecValidation:
    def __init__(
        self,
        *,
        legacy_schema: typing.Optional[builtins.bool] = None,
        open_apiv3_schema: typing.Any = None,
    ) -> None:
        '''
        :param legacy_schema: 
        :param open_apiv3_schema: 

        :schema: ConstraintTemplateSpecCrdSpecValidation
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__787a160e8b47258f805a6d228633db0c86ce9c3943df13bd6d6ada90de047223)
            check_type(argname="argument legacy_schema", value=legacy_schema, expected_type=type_hints["legacy_schema"])
            check_type(argname="argument open_apiv3_schema", value=open_apiv3_schema, expected_type=type_hints["open_apiv3_schema"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if legacy_schema is not None:
            self._values["legacy_schema"] = legacy_schema
        if open_apiv3_schema is not None:
            self._values["open_apiv3_schema"] = open_apiv3_schema

    @builtins.property
    def legacy_schema(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: ConstraintTemplateSpecCrdSpecValidation#legacySchema
        '''
        result = self._values.get("legacy_schema")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def open_apiv3_schema(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateSpecCrdSpecValidation#openAPIV3Schema
        '''
        result = self._values.get("open_apiv3_schema")
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecCrdSpecValidation(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecTargets",
    jsii_struct_bases=[],
    name_mapping={
        "code": "code",
        "libs": "libs",
        "operations": "operations",
        "rego": "rego",
        "target": "target",
    },
)
class ConstraintTemplateSpecTargets:
    def __init__(
        self,
        *,
        code: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateSpecTargetsCode", typing.Dict[builtins.str, typing.Any]]]] = None,
        libs: typing.Optional[typing.Sequence[builtins.str]] = None,
        operations: typing.Optional[typing.Sequence["ConstraintTemplateSpecTargetsOperations"]] = None,
        rego: typing.Optional[builtins.str] = None,
        target: typing.Optional[builtins.str] = None,
    ) -> None:
        '''
        :param code: 
        :param libs: 
        :param operations: 
        :param rego: 
        :param target: 

        :schema: ConstraintTemplateSpecTargets
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ecfc557c914b281754973539ca11c26a92b75216bd836f62bd1d31eba37003fd)
            check_type(argname="argument code", value=code, expected_type=type_hints["code"])
            check_type(argname="argument libs", value=libs, expected_type=type_hints["libs"])
            check_type(argname="argument operations", value=operations, expected_type=type_hints["operations"])
            check_type(argname="argument rego", value=rego, expected_type=type_hints["rego"])
            check_type(argname="argument target", value=target, expected_type=type_hints["target"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if code is not None:
            self._values["code"] = code
        if libs is not None:
            self._values["libs"] = libs
        if operations is not None:
            self._values["operations"] = operations
        if rego is not None:
            self._values["rego"] = rego
        if target is not None:
            self._values["target"] = target

    @builtins.property
    def code(self) -> typing.Optional[typing.List["ConstraintTemplateSpecTargetsCode"]]:
        '''
        :schema: ConstraintTemplateSpecTargets#code
        '''
        result = self._values.get("code")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateSpecTargetsCode"]], result)

    @builtins.property
    def libs(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateSpecTargets#libs
        '''
        result = self._values.get("libs")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    @builtins.property
    def operations(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateSpecTargetsOperations"]]:
        '''
        :schema: ConstraintTemplateSpecTargets#operations
        '''
        result = self._values.get("operations")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateSpecTargetsOperations"]], result)

    @builtins.property
    def rego(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateSpecTargets#rego
        '''
        result = self._values.get("rego")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def target(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateSpecTargets#target
        '''
        result = self._values.get("target")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecTargets(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecTargetsCode",
    jsii_struct_bases=[],
    name_mapping={"engine": "engine", "source": "source"},
)
class ConstraintTemplateSpecTargetsCode:
    def __init__(self, *, engine: builtins.str, source: typing.Any) -> None:
        '''
        :param engine: 
        :param source: 

        :schema: ConstraintTemplateSpecTargetsCode
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__6e3d46a72ac3b52b9273200b21e574625f59e3f23fa4ab6f464701f95ca84bd2)
            check_type(argname="argument engine", value=engine, expected_type=type_hints["engine"])
            check_type(argname="argument source", value=source, expected_type=type_hints["source"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "engine": engine,
            "source": source,
        }

    @builtins.property
    def engine(self) -> builtins.str:
        '''
        :schema: ConstraintTemplateSpecTargetsCode#engine
        '''
        result = self._values.get("engine")
        assert result is not None, "Required property 'engine' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def source(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateSpecTargetsCode#source
        '''
        result = self._values.get("source")
        assert result is not None, "Required property 'source' is missing"
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateSpecTargetsCode(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateSpecTargetsOperations"
)
class ConstraintTemplateSpecTargetsOperations(enum.Enum):
    '''
    :schema: ConstraintTemplateSpecTargetsOperations
    '''

    VALUE_ASTERISK = "VALUE_ASTERISK"
    '''*.'''
    CREATE = "CREATE"
    '''CREATE.'''
    DELETE = "DELETE"
    '''DELETE.'''
    UPDATE = "UPDATE"
    '''UPDATE.'''
    CONNECT = "CONNECT"
    '''CONNECT.'''


class ConstraintTemplateV1Alpha1(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1",
):
    '''
    :schema: ConstraintTemplateV1Alpha1
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "ConstraintTemplateV1Alpha1" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param metadata: 
        :param spec: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__f0625f8ccb6be5db785028ef6a30eb4b588193abfdee6a1a073ac7d1b63d8453)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = ConstraintTemplateV1Alpha1Props(metadata=metadata, spec=spec)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "ConstraintTemplateV1Alpha1".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param metadata: 
        :param spec: 
        '''
        props = ConstraintTemplateV1Alpha1Props(metadata=metadata, spec=spec)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "ConstraintTemplateV1Alpha1".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1Props",
    jsii_struct_bases=[],
    name_mapping={"metadata": "metadata", "spec": "spec"},
)
class ConstraintTemplateV1Alpha1Props:
    def __init__(
        self,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param metadata: 
        :param spec: 

        :schema: ConstraintTemplateV1Alpha1
        '''
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if isinstance(spec, dict):
            spec = ConstraintTemplateV1Alpha1Spec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ada05398147f990ec50c941a7e1bc54fc96f1b7667f1f960724f1a08ec8bb7a6)
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if metadata is not None:
            self._values["metadata"] = metadata
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: ConstraintTemplateV1Alpha1#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateV1Alpha1Spec"]:
        '''
        :schema: ConstraintTemplateV1Alpha1#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateV1Alpha1Spec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1Props(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1Spec",
    jsii_struct_bases=[],
    name_mapping={"crd": "crd", "targets": "targets"},
)
class ConstraintTemplateV1Alpha1Spec:
    def __init__(
        self,
        *,
        crd: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1SpecCrd", typing.Dict[builtins.str, typing.Any]]] = None,
        targets: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateV1Alpha1SpecTargets", typing.Dict[builtins.str, typing.Any]]]] = None,
    ) -> None:
        '''
        :param crd: 
        :param targets: 

        :schema: ConstraintTemplateV1Alpha1Spec
        '''
        if isinstance(crd, dict):
            crd = ConstraintTemplateV1Alpha1SpecCrd(**crd)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__c01b3cd75d9088c82fddb9d73736eccd222231a78635a462b4aae61650b33a86)
            check_type(argname="argument crd", value=crd, expected_type=type_hints["crd"])
            check_type(argname="argument targets", value=targets, expected_type=type_hints["targets"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if crd is not None:
            self._values["crd"] = crd
        if targets is not None:
            self._values["targets"] = targets

    @builtins.property
    def crd(self) -> typing.Optional["ConstraintTemplateV1Alpha1SpecCrd"]:
        '''
        :schema: ConstraintTemplateV1Alpha1Spec#crd
        '''
        result = self._values.get("crd")
        return typing.cast(typing.Optional["ConstraintTemplateV1Alpha1SpecCrd"], result)

    @builtins.property
    def targets(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargets"]]:
        '''
        :schema: ConstraintTemplateV1Alpha1Spec#targets
        '''
        result = self._values.get("targets")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargets"]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1Spec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecCrd",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec"},
)
class ConstraintTemplateV1Alpha1SpecCrd:
    def __init__(
        self,
        *,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1SpecCrdSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 

        :schema: ConstraintTemplateV1Alpha1SpecCrd
        '''
        if isinstance(spec, dict):
            spec = ConstraintTemplateV1Alpha1SpecCrdSpec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__d8507854eb6af4cf4845a21015ee9d387b55595d27f5a85ea3cd10da02ed2e9b)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpec"]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrd#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecCrd(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecCrdSpec",
    jsii_struct_bases=[],
    name_mapping={"names": "names", "validation": "validation"},
)
class ConstraintTemplateV1Alpha1SpecCrdSpec:
    def __init__(
        self,
        *,
        names: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1SpecCrdSpecNames", typing.Dict[builtins.str, typing.Any]]] = None,
        validation: typing.Optional[typing.Union["ConstraintTemplateV1Alpha1SpecCrdSpecValidation", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param names: 
        :param validation: 

        :schema: ConstraintTemplateV1Alpha1SpecCrdSpec
        '''
        if isinstance(names, dict):
            names = ConstraintTemplateV1Alpha1SpecCrdSpecNames(**names)
        if isinstance(validation, dict):
            validation = ConstraintTemplateV1Alpha1SpecCrdSpecValidation(**validation)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ca6c369b0cd85095885ba12b0025b1708ab9466d65e34226cc3634a651aabe71)
            check_type(argname="argument names", value=names, expected_type=type_hints["names"])
            check_type(argname="argument validation", value=validation, expected_type=type_hints["validation"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if names is not None:
            self._values["names"] = names
        if validation is not None:
            self._values["validation"] = validation

    @builtins.property
    def names(self) -> typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpecNames"]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpec#names
        '''
        result = self._values.get("names")
        return typing.cast(typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpecNames"], result)

    @builtins.property
    def validation(
        self,
    ) -> typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpecValidation"]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpec#validation
        '''
        result = self._values.get("validation")
        return typing.cast(typing.Optional["ConstraintTemplateV1Alpha1SpecCrdSpecValidation"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecCrdSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecCrdSpecNames",
    jsii_struct_bases=[],
    name_mapping={"kind": "kind", "short_names": "shortNames"},
)
class ConstraintTemplateV1Alpha1SpecCrdSpecNames:
    def __init__(
        self,
        *,
        kind: typing.Optional[builtins.str] = None,
        short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
    ) -> None:
        '''
        :param kind: 
        :param short_names: 

        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecNames
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__68d893ada8283d7b38f2a0e3357b544fb3bfc3b7cf872ad136234b526e426c6a)
            check_type(argname="argument kind", value=kind, expected_type=type_hints["kind"])
            check_type(argname="argument short_names", value=short_names, expected_type=type_hints["short_names"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if kind is not None:
            self._values["kind"] = kind
        if short_names is not None:
            self._values["short_names"] = short_names

    @builtins.property
    def kind(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecNames#kind
        '''
        result = self._values.get("kind")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def short_names(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecNames#shortNames
        '''
        result = self._values.get("short_names")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecCrdSpecNames(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecCrdSpecValidation",
    jsii_struct_bases=[],
    name_mapping={
        "legacy_schema": "legacySchema",
        "open_apiv3_schema": "openApiv3Schema",
    },
)
class ConstraintTemplateV1Alpha1SpecCrdSpecValidation:
    def __init__(
        self,
        *,
        legacy_schema: typing.Optional[builtins.bool] = None,
        open_apiv3_schema: typing.Any = None,
    ) -> None:
        '''
        :param legacy_schema: 
        :param open_apiv3_schema: 

        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecValidation
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__ec44224648460ec23e98c2aa20b2360e7977c5d99be5663f003202d5da2203b0)
            check_type(argname="argument legacy_schema", value=legacy_schema, expected_type=type_hints["legacy_schema"])
            check_type(argname="argument open_apiv3_schema", value=open_apiv3_schema, expected_type=type_hints["open_apiv3_schema"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if legacy_schema is not None:
            self._values["legacy_schema"] = legacy_schema
        if open_apiv3_schema is not None:
            self._values["open_apiv3_schema"] = open_apiv3_schema

    @builtins.property
    def legacy_schema(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecValidation#legacySchema
        '''
        result = self._values.get("legacy_schema")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def open_apiv3_schema(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecCrdSpecValidation#openAPIV3Schema
        '''
        result = self._values.get("open_apiv3_schema")
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecCrdSpecValidation(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecTargets",
    jsii_struct_bases=[],
    name_mapping={
        "code": "code",
        "libs": "libs",
        "operations": "operations",
        "rego": "rego",
        "target": "target",
    },
)
class ConstraintTemplateV1Alpha1SpecTargets:
    def __init__(
        self,
        *,
        code: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateV1Alpha1SpecTargetsCode", typing.Dict[builtins.str, typing.Any]]]] = None,
        libs: typing.Optional[typing.Sequence[builtins.str]] = None,
        operations: typing.Optional[typing.Sequence["ConstraintTemplateV1Alpha1SpecTargetsOperations"]] = None,
        rego: typing.Optional[builtins.str] = None,
        target: typing.Optional[builtins.str] = None,
    ) -> None:
        '''
        :param code: 
        :param libs: 
        :param operations: 
        :param rego: 
        :param target: 

        :schema: ConstraintTemplateV1Alpha1SpecTargets
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__83bc53c94083bbb559404bb80aa1e4f9a159e6fbd3b6a07e40e0e5045ae94888)
            check_type(argname="argument code", value=code, expected_type=type_hints["code"])
            check_type(argname="argument libs", value=libs, expected_type=type_hints["libs"])
            check_type(argname="argument operations", value=operations, expected_type=type_hints["operations"])
            check_type(argname="argument rego", value=rego, expected_type=type_hints["rego"])
            check_type(argname="argument target", value=target, expected_type=type_hints["target"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if code is not None:
            self._values["code"] = code
        if libs is not None:
            self._values["libs"] = libs
        if operations is not None:
            self._values["operations"] = operations
        if rego is not None:
            self._values["rego"] = rego
        if target is not None:
            self._values["target"] = target

    @builtins.property
    def code(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargetsCode"]]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargets#code
        '''
        result = self._values.get("code")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargetsCode"]], result)

    @builtins.property
    def libs(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargets#libs
        '''
        result = self._values.get("libs")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    @builtins.property
    def operations(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargetsOperations"]]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargets#operations
        '''
        result = self._values.get("operations")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Alpha1SpecTargetsOperations"]], result)

    @builtins.property
    def rego(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargets#rego
        '''
        result = self._values.get("rego")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def target(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargets#target
        '''
        result = self._values.get("target")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecTargets(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecTargetsCode",
    jsii_struct_bases=[],
    name_mapping={"engine": "engine", "source": "source"},
)
class ConstraintTemplateV1Alpha1SpecTargetsCode:
    def __init__(self, *, engine: builtins.str, source: typing.Any) -> None:
        '''
        :param engine: 
        :param source: 

        :schema: ConstraintTemplateV1Alpha1SpecTargetsCode
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__7898cabd74f53db9184b84d139ae3a39d72163243365424ff005306b08435369)
            check_type(argname="argument engine", value=engine, expected_type=type_hints["engine"])
            check_type(argname="argument source", value=source, expected_type=type_hints["source"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "engine": engine,
            "source": source,
        }

    @builtins.property
    def engine(self) -> builtins.str:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargetsCode#engine
        '''
        result = self._values.get("engine")
        assert result is not None, "Required property 'engine' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def source(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateV1Alpha1SpecTargetsCode#source
        '''
        result = self._values.get("source")
        assert result is not None, "Required property 'source' is missing"
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Alpha1SpecTargetsCode(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Alpha1SpecTargetsOperations"
)
class ConstraintTemplateV1Alpha1SpecTargetsOperations(enum.Enum):
    '''
    :schema: ConstraintTemplateV1Alpha1SpecTargetsOperations
    '''

    VALUE_ASTERISK = "VALUE_ASTERISK"
    '''*.'''
    CREATE = "CREATE"
    '''CREATE.'''
    DELETE = "DELETE"
    '''DELETE.'''
    UPDATE = "UPDATE"
    '''UPDATE.'''
    CONNECT = "CONNECT"
    '''CONNECT.'''


class ConstraintTemplateV1Beta1(
    _cdk8s_d3d9af27.ApiObject,
    metaclass=jsii.JSIIMeta,
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1",
):
    '''
    :schema: ConstraintTemplateV1Beta1
    '''

    def __init__(
        self,
        scope: "_constructs_77d1e7e8.Construct",
        id: builtins.str,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Beta1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''Defines a "ConstraintTemplateV1Beta1" API object.

        :param scope: the scope in which to define this object.
        :param id: a scope-local name for the object.
        :param metadata: 
        :param spec: 
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__534a38d4b246011fb6ded11f9788d91662e81dd3dd5efa89e0bb47989e0cacee)
            check_type(argname="argument scope", value=scope, expected_type=type_hints["scope"])
            check_type(argname="argument id", value=id, expected_type=type_hints["id"])
        props = ConstraintTemplateV1Beta1Props(metadata=metadata, spec=spec)

        jsii.create(self.__class__, self, [scope, id, props])

    @jsii.member(jsii_name="manifest")
    @builtins.classmethod
    def manifest(
        cls,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Beta1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> typing.Any:
        '''Renders a Kubernetes manifest for "ConstraintTemplateV1Beta1".

        This can be used to inline resource manifests inside other objects (e.g. as templates).

        :param metadata: 
        :param spec: 
        '''
        props = ConstraintTemplateV1Beta1Props(metadata=metadata, spec=spec)

        return typing.cast(typing.Any, jsii.sinvoke(cls, "manifest", [props]))

    @jsii.member(jsii_name="toJson")
    def to_json(self) -> typing.Any:
        '''Renders the object to Kubernetes JSON.'''
        return typing.cast(typing.Any, jsii.invoke(self, "toJson", []))

    @jsii.python.classproperty
    @jsii.member(jsii_name="GVK")
    def GVK(cls) -> "_cdk8s_d3d9af27.GroupVersionKind":
        '''Returns the apiVersion and kind for "ConstraintTemplateV1Beta1".'''
        return typing.cast("_cdk8s_d3d9af27.GroupVersionKind", jsii.sget(cls, "GVK"))


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1Props",
    jsii_struct_bases=[],
    name_mapping={"metadata": "metadata", "spec": "spec"},
)
class ConstraintTemplateV1Beta1Props:
    def __init__(
        self,
        *,
        metadata: typing.Optional[typing.Union["_cdk8s_d3d9af27.ApiObjectMetadata", typing.Dict[builtins.str, typing.Any]]] = None,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Beta1Spec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param metadata: 
        :param spec: 

        :schema: ConstraintTemplateV1Beta1
        '''
        if isinstance(metadata, dict):
            metadata = _cdk8s_d3d9af27.ApiObjectMetadata(**metadata)
        if isinstance(spec, dict):
            spec = ConstraintTemplateV1Beta1Spec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__0ec4379fcc7111e9e28f43534e42b8c3c812ab2c3a21e8e65749053569bf25b1)
            check_type(argname="argument metadata", value=metadata, expected_type=type_hints["metadata"])
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if metadata is not None:
            self._values["metadata"] = metadata
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def metadata(self) -> typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"]:
        '''
        :schema: ConstraintTemplateV1Beta1#metadata
        '''
        result = self._values.get("metadata")
        return typing.cast(typing.Optional["_cdk8s_d3d9af27.ApiObjectMetadata"], result)

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateV1Beta1Spec"]:
        '''
        :schema: ConstraintTemplateV1Beta1#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateV1Beta1Spec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1Props(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1Spec",
    jsii_struct_bases=[],
    name_mapping={"crd": "crd", "targets": "targets"},
)
class ConstraintTemplateV1Beta1Spec:
    def __init__(
        self,
        *,
        crd: typing.Optional[typing.Union["ConstraintTemplateV1Beta1SpecCrd", typing.Dict[builtins.str, typing.Any]]] = None,
        targets: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateV1Beta1SpecTargets", typing.Dict[builtins.str, typing.Any]]]] = None,
    ) -> None:
        '''
        :param crd: 
        :param targets: 

        :schema: ConstraintTemplateV1Beta1Spec
        '''
        if isinstance(crd, dict):
            crd = ConstraintTemplateV1Beta1SpecCrd(**crd)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__f84b9a32451065c0b683cd0d0eb2afbd901eaef92f4bb41308b32c50732196af)
            check_type(argname="argument crd", value=crd, expected_type=type_hints["crd"])
            check_type(argname="argument targets", value=targets, expected_type=type_hints["targets"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if crd is not None:
            self._values["crd"] = crd
        if targets is not None:
            self._values["targets"] = targets

    @builtins.property
    def crd(self) -> typing.Optional["ConstraintTemplateV1Beta1SpecCrd"]:
        '''
        :schema: ConstraintTemplateV1Beta1Spec#crd
        '''
        result = self._values.get("crd")
        return typing.cast(typing.Optional["ConstraintTemplateV1Beta1SpecCrd"], result)

    @builtins.property
    def targets(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargets"]]:
        '''
        :schema: ConstraintTemplateV1Beta1Spec#targets
        '''
        result = self._values.get("targets")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargets"]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1Spec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecCrd",
    jsii_struct_bases=[],
    name_mapping={"spec": "spec"},
)
class ConstraintTemplateV1Beta1SpecCrd:
    def __init__(
        self,
        *,
        spec: typing.Optional[typing.Union["ConstraintTemplateV1Beta1SpecCrdSpec", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param spec: 

        :schema: ConstraintTemplateV1Beta1SpecCrd
        '''
        if isinstance(spec, dict):
            spec = ConstraintTemplateV1Beta1SpecCrdSpec(**spec)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__9430b900b91e9968a2c3c068540ec6df1a0cf97e95e095c4d9821ec097f3b2a8)
            check_type(argname="argument spec", value=spec, expected_type=type_hints["spec"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if spec is not None:
            self._values["spec"] = spec

    @builtins.property
    def spec(self) -> typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpec"]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrd#spec
        '''
        result = self._values.get("spec")
        return typing.cast(typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpec"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecCrd(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecCrdSpec",
    jsii_struct_bases=[],
    name_mapping={"names": "names", "validation": "validation"},
)
class ConstraintTemplateV1Beta1SpecCrdSpec:
    def __init__(
        self,
        *,
        names: typing.Optional[typing.Union["ConstraintTemplateV1Beta1SpecCrdSpecNames", typing.Dict[builtins.str, typing.Any]]] = None,
        validation: typing.Optional[typing.Union["ConstraintTemplateV1Beta1SpecCrdSpecValidation", typing.Dict[builtins.str, typing.Any]]] = None,
    ) -> None:
        '''
        :param names: 
        :param validation: 

        :schema: ConstraintTemplateV1Beta1SpecCrdSpec
        '''
        if isinstance(names, dict):
            names = ConstraintTemplateV1Beta1SpecCrdSpecNames(**names)
        if isinstance(validation, dict):
            validation = ConstraintTemplateV1Beta1SpecCrdSpecValidation(**validation)
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__1f29702680b95de0247579e47f1c1d97fc59e38c3d05151b080f719f39e924e7)
            check_type(argname="argument names", value=names, expected_type=type_hints["names"])
            check_type(argname="argument validation", value=validation, expected_type=type_hints["validation"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if names is not None:
            self._values["names"] = names
        if validation is not None:
            self._values["validation"] = validation

    @builtins.property
    def names(self) -> typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpecNames"]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpec#names
        '''
        result = self._values.get("names")
        return typing.cast(typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpecNames"], result)

    @builtins.property
    def validation(
        self,
    ) -> typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpecValidation"]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpec#validation
        '''
        result = self._values.get("validation")
        return typing.cast(typing.Optional["ConstraintTemplateV1Beta1SpecCrdSpecValidation"], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecCrdSpec(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecCrdSpecNames",
    jsii_struct_bases=[],
    name_mapping={"kind": "kind", "short_names": "shortNames"},
)
class ConstraintTemplateV1Beta1SpecCrdSpecNames:
    def __init__(
        self,
        *,
        kind: typing.Optional[builtins.str] = None,
        short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
    ) -> None:
        '''
        :param kind: 
        :param short_names: 

        :schema: ConstraintTemplateV1Beta1SpecCrdSpecNames
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__4cc08a2887dcad590b1dd4fdb55754c7f6925b5b7a342fe98ff5917d011bff8b)
            check_type(argname="argument kind", value=kind, expected_type=type_hints["kind"])
            check_type(argname="argument short_names", value=short_names, expected_type=type_hints["short_names"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if kind is not None:
            self._values["kind"] = kind
        if short_names is not None:
            self._values["short_names"] = short_names

    @builtins.property
    def kind(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpecNames#kind
        '''
        result = self._values.get("kind")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def short_names(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpecNames#shortNames
        '''
        result = self._values.get("short_names")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecCrdSpecNames(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecCrdSpecValidation",
    jsii_struct_bases=[],
    name_mapping={
        "legacy_schema": "legacySchema",
        "open_apiv3_schema": "openApiv3Schema",
    },
)
class ConstraintTemplateV1Beta1SpecCrdSpecValidation:
    def __init__(
        self,
        *,
        legacy_schema: typing.Optional[builtins.bool] = None,
        open_apiv3_schema: typing.Any = None,
    ) -> None:
        '''
        :param legacy_schema: 
        :param open_apiv3_schema: 

        :schema: ConstraintTemplateV1Beta1SpecCrdSpecValidation
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__20f32807ead4ef3a6840fa8a46d3fd17b3cd43e607058a9158cfae8009183ac4)
            check_type(argname="argument legacy_schema", value=legacy_schema, expected_type=type_hints["legacy_schema"])
            check_type(argname="argument open_apiv3_schema", value=open_apiv3_schema, expected_type=type_hints["open_apiv3_schema"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if legacy_schema is not None:
            self._values["legacy_schema"] = legacy_schema
        if open_apiv3_schema is not None:
            self._values["open_apiv3_schema"] = open_apiv3_schema

    @builtins.property
    def legacy_schema(self) -> typing.Optional[builtins.bool]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpecValidation#legacySchema
        '''
        result = self._values.get("legacy_schema")
        return typing.cast(typing.Optional[builtins.bool], result)

    @builtins.property
    def open_apiv3_schema(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateV1Beta1SpecCrdSpecValidation#openAPIV3Schema
        '''
        result = self._values.get("open_apiv3_schema")
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecCrdSpecValidation(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecTargets",
    jsii_struct_bases=[],
    name_mapping={
        "code": "code",
        "libs": "libs",
        "operations": "operations",
        "rego": "rego",
        "target": "target",
    },
)
class ConstraintTemplateV1Beta1SpecTargets:
    def __init__(
        self,
        *,
        code: typing.Optional[typing.Sequence[typing.Union["ConstraintTemplateV1Beta1SpecTargetsCode", typing.Dict[builtins.str, typing.Any]]]] = None,
        libs: typing.Optional[typing.Sequence[builtins.str]] = None,
        operations: typing.Optional[typing.Sequence["ConstraintTemplateV1Beta1SpecTargetsOperations"]] = None,
        rego: typing.Optional[builtins.str] = None,
        target: typing.Optional[builtins.str] = None,
    ) -> None:
        '''
        :param code: 
        :param libs: 
        :param operations: 
        :param rego: 
        :param target: 

        :schema: ConstraintTemplateV1Beta1SpecTargets
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__098dd044cdb2c273266c1c335da2b44fed87f7a1889f4fcff68875c3c77b7396)
            check_type(argname="argument code", value=code, expected_type=type_hints["code"])
            check_type(argname="argument libs", value=libs, expected_type=type_hints["libs"])
            check_type(argname="argument operations", value=operations, expected_type=type_hints["operations"])
            check_type(argname="argument rego", value=rego, expected_type=type_hints["rego"])
            check_type(argname="argument target", value=target, expected_type=type_hints["target"])
        self._values: typing.Dict[builtins.str, typing.Any] = {}
        if code is not None:
            self._values["code"] = code
        if libs is not None:
            self._values["libs"] = libs
        if operations is not None:
            self._values["operations"] = operations
        if rego is not None:
            self._values["rego"] = rego
        if target is not None:
            self._values["target"] = target

    @builtins.property
    def code(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargetsCode"]]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargets#code
        '''
        result = self._values.get("code")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargetsCode"]], result)

    @builtins.property
    def libs(self) -> typing.Optional[typing.List[builtins.str]]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargets#libs
        '''
        result = self._values.get("libs")
        return typing.cast(typing.Optional[typing.List[builtins.str]], result)

    @builtins.property
    def operations(
        self,
    ) -> typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargetsOperations"]]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargets#operations
        '''
        result = self._values.get("operations")
        return typing.cast(typing.Optional[typing.List["ConstraintTemplateV1Beta1SpecTargetsOperations"]], result)

    @builtins.property
    def rego(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargets#rego
        '''
        result = self._values.get("rego")
        return typing.cast(typing.Optional[builtins.str], result)

    @builtins.property
    def target(self) -> typing.Optional[builtins.str]:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargets#target
        '''
        result = self._values.get("target")
        return typing.cast(typing.Optional[builtins.str], result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecTargets(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.data_type(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecTargetsCode",
    jsii_struct_bases=[],
    name_mapping={"engine": "engine", "source": "source"},
)
class ConstraintTemplateV1Beta1SpecTargetsCode:
    def __init__(self, *, engine: builtins.str, source: typing.Any) -> None:
        '''
        :param engine: 
        :param source: 

        :schema: ConstraintTemplateV1Beta1SpecTargetsCode
        '''
        if __debug__:
            type_hints = cached_type_hints(_typecheckingstub__d278799328c88ef2f0a4151bdcac04a913353f58c32e1193e892089974546d69)
            check_type(argname="argument engine", value=engine, expected_type=type_hints["engine"])
            check_type(argname="argument source", value=source, expected_type=type_hints["source"])
        self._values: typing.Dict[builtins.str, typing.Any] = {
            "engine": engine,
            "source": source,
        }

    @builtins.property
    def engine(self) -> builtins.str:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargetsCode#engine
        '''
        result = self._values.get("engine")
        assert result is not None, "Required property 'engine' is missing"
        return typing.cast(builtins.str, result)

    @builtins.property
    def source(self) -> typing.Any:
        '''
        :schema: ConstraintTemplateV1Beta1SpecTargetsCode#source
        '''
        result = self._values.get("source")
        assert result is not None, "Required property 'source' is missing"
        return typing.cast(typing.Any, result)

    def __eq__(self, rhs: typing.Any) -> builtins.bool:
        return isinstance(rhs, self.__class__) and rhs._values == self._values

    def __ne__(self, rhs: typing.Any) -> builtins.bool:
        return not (rhs == self)

    def __repr__(self) -> str:
        return "ConstraintTemplateV1Beta1SpecTargetsCode(%s)" % ", ".join(
            k + "=" + repr(v) for k, v in self._values.items()
        )


@jsii.enum(
    jsii_type="gatekeeper_shgatekeepertemplates.ConstraintTemplateV1Beta1SpecTargetsOperations"
)
class ConstraintTemplateV1Beta1SpecTargetsOperations(enum.Enum):
    '''
    :schema: ConstraintTemplateV1Beta1SpecTargetsOperations
    '''

    VALUE_ASTERISK = "VALUE_ASTERISK"
    '''*.'''
    CREATE = "CREATE"
    '''CREATE.'''
    DELETE = "DELETE"
    '''DELETE.'''
    UPDATE = "UPDATE"
    '''UPDATE.'''
    CONNECT = "CONNECT"
    '''CONNECT.'''


__all__ = [
    "ConstraintTemplate",
    "ConstraintTemplateProps",
    "ConstraintTemplateSpec",
    "ConstraintTemplateSpecCrd",
    "ConstraintTemplateSpecCrdSpec",
    "ConstraintTemplateSpecCrdSpecNames",
    "ConstraintTemplateSpecCrdSpecValidation",
    "ConstraintTemplateSpecTargets",
    "ConstraintTemplateSpecTargetsCode",
    "ConstraintTemplateSpecTargetsOperations",
    "ConstraintTemplateV1Alpha1",
    "ConstraintTemplateV1Alpha1Props",
    "ConstraintTemplateV1Alpha1Spec",
    "ConstraintTemplateV1Alpha1SpecCrd",
    "ConstraintTemplateV1Alpha1SpecCrdSpec",
    "ConstraintTemplateV1Alpha1SpecCrdSpecNames",
    "ConstraintTemplateV1Alpha1SpecCrdSpecValidation",
    "ConstraintTemplateV1Alpha1SpecTargets",
    "ConstraintTemplateV1Alpha1SpecTargetsCode",
    "ConstraintTemplateV1Alpha1SpecTargetsOperations",
    "ConstraintTemplateV1Beta1",
    "ConstraintTemplateV1Beta1Props",
    "ConstraintTemplateV1Beta1Spec",
    "ConstraintTemplateV1Beta1SpecCrd",
    "ConstraintTemplateV1Beta1SpecCrdSpec",
    "ConstraintTemplateV1Beta1SpecCrdSpecNames",
    "ConstraintTemplateV1Beta1SpecCrdSpecValidation",
    "ConstraintTemplateV1Beta1SpecTargets",
    "ConstraintTemplateV1Beta1SpecTargetsCode",
    "ConstraintTemplateV1Beta1SpecTargetsOperations",
]

publication.publish()

def _typecheckingstub__301c7b4478cbb2b18d3de621a336ecc0a967ab37c6b612f09ab0716201737ca5(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateSpec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__a2f59b3780c4da9c5413b90139fa820c9ae98b466b4c34df730dcec69a31a8ef(
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateSpec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__f7d6bc88ec06513aa48d53bce23e94900d390682bde160d3e9db956d49cd711c(
    *,
    crd: typing.Optional[typing.Union[ConstraintTemplateSpecCrd, typing.Dict[builtins.str, typing.Any]]] = None,
    targets: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateSpecTargets, typing.Dict[builtins.str, typing.Any]]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__b9bb6467ff3b7d047a530d5ed120bee5e191aff9391fd8fd39456c34c903df93(
    *,
    spec: typing.Optional[typing.Union[ConstraintTemplateSpecCrdSpec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__915b09b2eb4233ee3cd24256ed3cb8be02c0602b21ff55134537380cf0b23eec(
    *,
    names: typing.Optional[typing.Union[ConstraintTemplateSpecCrdSpecNames, typing.Dict[builtins.str, typing.Any]]] = None,
    validation: typing.Optional[typing.Union[ConstraintTemplateSpecCrdSpecValidation, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__e634ab64d19face73e3d7c3ab80f131aeb42cc96c362ee134336c833b7e5b24d(
    *,
    kind: typing.Optional[builtins.str] = None,
    short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__787a160e8b47258f805a6d228633db0c86ce9c3943df13bd6d6ada90de047223(
    *,
    legacy_schema: typing.Optional[builtins.bool] = None,
    open_apiv3_schema: typing.Any = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ecfc557c914b281754973539ca11c26a92b75216bd836f62bd1d31eba37003fd(
    *,
    code: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateSpecTargetsCode, typing.Dict[builtins.str, typing.Any]]]] = None,
    libs: typing.Optional[typing.Sequence[builtins.str]] = None,
    operations: typing.Optional[typing.Sequence[ConstraintTemplateSpecTargetsOperations]] = None,
    rego: typing.Optional[builtins.str] = None,
    target: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__6e3d46a72ac3b52b9273200b21e574625f59e3f23fa4ab6f464701f95ca84bd2(
    *,
    engine: builtins.str,
    source: typing.Any,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__f0625f8ccb6be5db785028ef6a30eb4b588193abfdee6a1a073ac7d1b63d8453(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1Spec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ada05398147f990ec50c941a7e1bc54fc96f1b7667f1f960724f1a08ec8bb7a6(
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1Spec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__c01b3cd75d9088c82fddb9d73736eccd222231a78635a462b4aae61650b33a86(
    *,
    crd: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1SpecCrd, typing.Dict[builtins.str, typing.Any]]] = None,
    targets: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateV1Alpha1SpecTargets, typing.Dict[builtins.str, typing.Any]]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__d8507854eb6af4cf4845a21015ee9d387b55595d27f5a85ea3cd10da02ed2e9b(
    *,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1SpecCrdSpec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ca6c369b0cd85095885ba12b0025b1708ab9466d65e34226cc3634a651aabe71(
    *,
    names: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1SpecCrdSpecNames, typing.Dict[builtins.str, typing.Any]]] = None,
    validation: typing.Optional[typing.Union[ConstraintTemplateV1Alpha1SpecCrdSpecValidation, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__68d893ada8283d7b38f2a0e3357b544fb3bfc3b7cf872ad136234b526e426c6a(
    *,
    kind: typing.Optional[builtins.str] = None,
    short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__ec44224648460ec23e98c2aa20b2360e7977c5d99be5663f003202d5da2203b0(
    *,
    legacy_schema: typing.Optional[builtins.bool] = None,
    open_apiv3_schema: typing.Any = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__83bc53c94083bbb559404bb80aa1e4f9a159e6fbd3b6a07e40e0e5045ae94888(
    *,
    code: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateV1Alpha1SpecTargetsCode, typing.Dict[builtins.str, typing.Any]]]] = None,
    libs: typing.Optional[typing.Sequence[builtins.str]] = None,
    operations: typing.Optional[typing.Sequence[ConstraintTemplateV1Alpha1SpecTargetsOperations]] = None,
    rego: typing.Optional[builtins.str] = None,
    target: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__7898cabd74f53db9184b84d139ae3a39d72163243365424ff005306b08435369(
    *,
    engine: builtins.str,
    source: typing.Any,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__534a38d4b246011fb6ded11f9788d91662e81dd3dd5efa89e0bb47989e0cacee(
    scope: _constructs_77d1e7e8.Construct,
    id: builtins.str,
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Beta1Spec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__0ec4379fcc7111e9e28f43534e42b8c3c812ab2c3a21e8e65749053569bf25b1(
    *,
    metadata: typing.Optional[typing.Union[_cdk8s_d3d9af27.ApiObjectMetadata, typing.Dict[builtins.str, typing.Any]]] = None,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Beta1Spec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__f84b9a32451065c0b683cd0d0eb2afbd901eaef92f4bb41308b32c50732196af(
    *,
    crd: typing.Optional[typing.Union[ConstraintTemplateV1Beta1SpecCrd, typing.Dict[builtins.str, typing.Any]]] = None,
    targets: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateV1Beta1SpecTargets, typing.Dict[builtins.str, typing.Any]]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__9430b900b91e9968a2c3c068540ec6df1a0cf97e95e095c4d9821ec097f3b2a8(
    *,
    spec: typing.Optional[typing.Union[ConstraintTemplateV1Beta1SpecCrdSpec, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__1f29702680b95de0247579e47f1c1d97fc59e38c3d05151b080f719f39e924e7(
    *,
    names: typing.Optional[typing.Union[ConstraintTemplateV1Beta1SpecCrdSpecNames, typing.Dict[builtins.str, typing.Any]]] = None,
    validation: typing.Optional[typing.Union[ConstraintTemplateV1Beta1SpecCrdSpecValidation, typing.Dict[builtins.str, typing.Any]]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__4cc08a2887dcad590b1dd4fdb55754c7f6925b5b7a342fe98ff5917d011bff8b(
    *,
    kind: typing.Optional[builtins.str] = None,
    short_names: typing.Optional[typing.Sequence[builtins.str]] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__20f32807ead4ef3a6840fa8a46d3fd17b3cd43e607058a9158cfae8009183ac4(
    *,
    legacy_schema: typing.Optional[builtins.bool] = None,
    open_apiv3_schema: typing.Any = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__098dd044cdb2c273266c1c335da2b44fed87f7a1889f4fcff68875c3c77b7396(
    *,
    code: typing.Optional[typing.Sequence[typing.Union[ConstraintTemplateV1Beta1SpecTargetsCode, typing.Dict[builtins.str, typing.Any]]]] = None,
    libs: typing.Optional[typing.Sequence[builtins.str]] = None,
    operations: typing.Optional[typing.Sequence[ConstraintTemplateV1Beta1SpecTargetsOperations]] = None,
    rego: typing.Optional[builtins.str] = None,
    target: typing.Optional[builtins.str] = None,
) -> None:
    """Type checking stubs"""
    pass

def _typecheckingstub__d278799328c88ef2f0a4151bdcac04a913353f58c32e1193e892089974546d69(
    *,
    engine: builtins.str,
    source: typing.Any,
) -> None:
    """Type checking stubs"""
    pass
