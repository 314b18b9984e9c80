// Validate Backstage catalog entities with the catalog backend's own checks, from the pinned
// @backstage/catalog-model: the entity policies (default namespace, no foreign root fields,
// field formats, the envelope schema) and the kind validators (API, Component, Domain, Group,
// Location, Resource, System, User).
//
// Input (stdin): a JSON list of {"file", "index", "entity"}.
// Output (stdout): a JSON list of {"file", "index", "message"}, one per invalid entity.
'use strict';

const model = require('@backstage/catalog-model');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const validators = [
  model.apiEntityV1alpha1Validator,
  model.componentEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.locationEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.userEntityV1alpha1Validator,
];

async function check(entity) {
  const accepted = await policy.enforce(entity);
  if (!accepted) {
    throw new Error('rejected by the catalog entity policies');
  }
  let known = false;
  for (const validator of validators) {
    if (await validator.check(accepted)) {
      known = true;
    }
  }
  if (!known) {
    throw new Error(`unknown kind ${entity.apiVersion}/${entity.kind}`);
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const problems = [];
  for (const item of items) {
    try {
      await check(item.entity);
    } catch (error) {
      problems.push({ file: item.file, index: item.index, message: String(error.message || error) });
    }
  }
  process.stdout.write(JSON.stringify(problems));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
