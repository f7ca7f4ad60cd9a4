// What `prisma migrate diff` would say, without Prisma's schema engine (which cannot be
// downloaded here): the database a domain's migrations build, and the database its
// schema.prisma describes, each reduced to one line per table, column, default, index,
// foreign key and enum. Any line on one side only is drift.
import { readFileSync } from 'node:fs';
import { getDMMF } from '@prisma/get-dmmf';
import type { GetDMMFError } from '@prisma/get-dmmf';
import { sql } from './databases.js';

type Dmmf = Exclude<ReturnType<typeof getDMMF>, GetDMMFError>['datamodel'];
type Model = Dmmf['models'][number];
type Field = Model['fields'][number];

const PG_ACTION: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** Prisma's default constraint names, truncated to PostgreSQL's 63 bytes the way Prisma does. */
function constraintName(table: string, columns: string[], suffix: string): string {
  const prefix = `${table}_${columns.join('_')}`;
  return `${prefix.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

function columnType(field: Field, enumDbName: (name: string) => string): string {
  const [native, args = []] = (field.nativeType ?? [null, []]) as [string | null, string[]];
  const types: Record<string, () => string | undefined> = {
    String: () => ({ Uuid: 'uuid', VarChar: `character varying(${args[0]})`, Char: `character(${args[0]})`, Text: 'text' } as Record<string, string>)[native ?? 'Text'],
    Int: () => (native === 'SmallInt' ? 'smallint' : 'integer'),
    BigInt: () => 'bigint',
    Boolean: () => 'boolean',
    Float: () => (native === 'Real' ? 'real' : 'double precision'),
    Decimal: () => `numeric(${native ? args.join(',') : '65,30'})`,
    DateTime: () =>
      native === 'Date' ? 'date' : `timestamp(${args[0] ?? 3}) ${native === 'Timestamptz' ? 'with' : 'without'} time zone`,
    Json: () => (native === 'Json' ? 'json' : 'jsonb'),
    Bytes: () => 'bytea',
  };
  const base = field.kind === 'enum' ? enumDbName(field.type) : types[field.type]?.();
  if (!base) throw new Error(`schema-drift: teach columnType about ${field.type} ${native ?? ''}`);
  return field.isList ? `${base}[]` : base;
}

function expectedDefault(field: Field): string | null {
  const value = field.default as { name: string; args: unknown[] } | string | number | boolean | undefined;
  if (value === undefined || field.isUpdatedAt) return null;
  if (typeof value !== 'object') return String(value);
  if (value.name === 'now') return 'CURRENT_TIMESTAMP';
  if (value.name === 'autoincrement') return 'autoincrement';
  if (value.name === 'dbgenerated') return String(value.args[0] ?? '');
  if (CLIENT_SIDE_DEFAULTS.has(value.name)) return null;
  throw new Error(`schema-drift: teach expectedDefault about ${value.name}()`);
}

function readDatamodel(schemaPath: string): Dmmf {
  const result = getDMMF({ datamodel: readFileSync(schemaPath, 'utf8') });
  if (!('datamodel' in result)) throw new Error(`schema-drift: cannot read ${schemaPath}: ${result.reason}`);
  return result.datamodel;
}

/** The lines schema.prisma implies. */
function expectedLines(schemaPath: string): string[] {
  const datamodel = readDatamodel(schemaPath);
  const enumDbName = (name: string): string => datamodel.enums.find((candidate) => candidate.name === name)?.dbName ?? name;
  const tableOf = (modelName: string): Model => {
    const model = datamodel.models.find((candidate) => candidate.name === modelName);
    if (!model) throw new Error(`schema-drift: no model ${modelName}`);
    return model;
  };
  const table = (model: Model): string => model.dbName ?? model.name;
  const column = (model: Model, fieldName: string): string => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    return field?.dbName ?? fieldName;
  };
  const lines = datamodel.enums.map((e) => `enum ${e.dbName ?? e.name} (${e.values.map((v) => v.dbName ?? v.name).join(', ')})`);
  for (const model of datamodel.models) {
    const name = table(model);
    lines.push(`table ${name}`);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (!field.relationFromFields?.length) continue;
        const target = tableOf(field.type);
        const from = field.relationFromFields.map((f) => column(model, f));
        const to = (field.relationToFields ?? []).map((f) => column(target, f));
        const optional = field.relationFromFields.some((f) => !model.fields.find((candidate) => candidate.name === f)?.isRequired);
        const onDelete = (field as { relationOnDelete?: string }).relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
        const onUpdate = (field as { relationOnUpdate?: string }).relationOnUpdate ?? 'Cascade';
        lines.push(`fk ${constraintName(name, from, 'fkey')} ${name}(${from.join(', ')}) -> ${table(target)}(${to.join(', ')}) delete ${onDelete} update ${onUpdate}`);
        continue;
      }
      const nullability = field.isRequired || field.isList ? 'not null' : 'null';
      lines.push(`column ${name}.${field.dbName ?? field.name} ${columnType(field, enumDbName)} ${nullability} default ${expectedDefault(field)}`);
    }
  }
  for (const index of datamodel.indexes) {
    const model = tableOf(index.model);
    const columns = index.fields.map((f) => `${column(model, f.name)}${f.sortOrder === 'desc' ? ' DESC' : ''}`);
    const plain = index.fields.map((f) => column(model, f.name));
    const dbName = (index as { dbName?: string | null }).dbName;
    const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index';
    const fallback = index.type === 'id' ? `${table(model)}_pkey` : constraintName(table(model), plain, index.type === 'unique' ? 'key' : 'idx');
    lines.push(`${kind} ${dbName ?? fallback} on ${table(model)} (${columns.join(', ')})`);
  }
  return lines.sort();
}

function actualDefault(raw: string | null): string | null {
  if (raw === null) return null;
  if (raw.startsWith('nextval(')) return 'autoincrement';
  const quoted = /^'(.*)'::[\w". ]+$/.exec(raw);
  return quoted ? (quoted[1] ?? '').replaceAll("''", "'") : raw;
}

/** The lines the migrated database holds. */
async function actualLines(databaseUrl: string): Promise<string[]> {
  const lines: string[] = [];
  const enums = await sql<{ name: string; labels: string[] }>(
    databaseUrl,
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  lines.push(...enums.map((e) => `enum ${e.name} (${e.labels.join(', ')})`));
  const columns = await sql<{ table: string; column: string; type: string; notnull: boolean; default: string | null }>(
    databaseUrl,
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'`,
  );
  for (const table of new Set(columns.map((c) => c.table))) lines.push(`table ${table}`);
  lines.push(
    ...columns.map((c) => `column ${c.table}.${c.column} ${c.type.replaceAll('"', '')} ${c.notnull ? 'not null' : 'null'} default ${actualDefault(c.default)}`),
  );
  const indexes = await sql<{ name: string; table: string; unique: boolean; primary: boolean; columns: string[] }>(
    databaseUrl,
    `SELECT i.relname AS name, t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
            array_agg(a.attname || CASE WHEN (ix.indoption[k.n - 1] & 1) = 1 THEN ' DESC' ELSE '' END ORDER BY k.n)::text[] AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
      GROUP BY i.relname, t.relname, ix.indisunique, ix.indisprimary`,
  );
  lines.push(...indexes.map((i) => `${i.primary ? 'primary' : i.unique ? 'unique' : 'index'} ${i.name} on ${i.table} (${i.columns.join(', ')})`));
  const foreignKeys = await sql<{ name: string; table: string; target: string; from: string[]; to: string[]; ondelete: string; onupdate: string }>(
    databaseUrl,
    `SELECT con.conname AS name, src.relname AS table, dst.relname AS target,
            (SELECT array_agg(a.attname ORDER BY k.n)::text[] FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS from,
            (SELECT array_agg(a.attname ORDER BY k.n)::text[] FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS to,
            con.confdeltype AS ondelete, con.confupdtype AS onupdate
       FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
      WHERE con.contype = 'f'`,
  );
  lines.push(
    ...foreignKeys.map(
      (fk) => `fk ${fk.name} ${fk.table}(${fk.from.join(', ')}) -> ${fk.target}(${fk.to.join(', ')}) delete ${PG_ACTION[fk.ondelete]} update ${PG_ACTION[fk.onupdate]}`,
    ),
  );
  return lines.sort();
}

/** Every difference between the schema and the migrated database, as `+ only in database` / `- only in schema` lines. */
export async function schemaDrift(schemaPath: string, databaseUrl: string): Promise<string[]> {
  const expected = expectedLines(schemaPath);
  const actual = await actualLines(databaseUrl);
  return [
    ...expected.filter((line) => !actual.includes(line)).map((line) => `- only in schema.prisma: ${line}`),
    ...actual.filter((line) => !expected.includes(line)).map((line) => `+ only in the migrated database: ${line}`),
  ];
}
