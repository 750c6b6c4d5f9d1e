// Prints the manifest reference (schema/README.md's tables) from the JSON Schemas beside this file,
// so the reference cannot say other than what the schemas, and the loader checked against them, say.
//     node schema/reference.mjs > /tmp/ref.md    (make docs writes it into schema/README.md)
import { readFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, here), 'utf8'));

/** One table row per property, named by its path (`inputs[].file`). */
function rows(schema, node, prefix) {
  const out = [];
  const resolved = node.$ref === undefined ? node : schema.definitions[node.$ref.split('/').pop()];
  const properties = resolved.properties ?? resolved.items?.properties ?? {};
  const required = resolved.required ?? resolved.items?.required ?? [];
  for (const [key, property] of Object.entries(properties)) {
    const target = property.$ref === undefined ? property : { ...schema.definitions[property.$ref.split('/').pop()], ...property };
    const path = `${prefix}${key}`;
    const description = target.description ?? '';
    out.push(`| \`${path}\` | ${required.includes(key) ? 'yes' : ''} | ${description.replaceAll('|', '\\|')} |`);
    const item = target.items?.$ref !== undefined ? schema.definitions[target.items.$ref.split('/').pop()] : target.items;
    if (item?.properties !== undefined) out.push(...rows(schema, item, `${path}[].`));
    else if (target.properties !== undefined) out.push(...rows(schema, target, `${path}.`));
    else if (Array.isArray(target.oneOf)) {
      for (const choice of target.oneOf) if (choice.items?.properties !== undefined) out.push(...rows(schema, choice.items, `${path}[].`));
    }
  }
  return out;
}

export function reference() {
  const parts = [];
  for (const [file, title] of [
    ['chain.schema.json', '`chain.yaml`'],
    ['stage.schema.json', '`stage.yaml`'],
  ]) {
    const schema = load(file);
    parts.push(
      `### ${title} ([${file}](${file}))`,
      '',
      schema.description,
      '',
      '| key | required | meaning |',
      '| --- | --- | --- |',
      ...rows(schema, schema, ''),
      '',
    );
  }
  return parts.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.stdout.write(reference());
