// Committed values of the references a setting's value makes (readers/settings/expr.ts), read
// from the same tree the way the consumer finds them:
//   helm     `.Values.a.b` in a chart's templates/: the chart's values.yaml, overridden by a
//            parent chart's values.yaml under the subchart's name (charts/<name>/templates/…)
//   tf-var   `var.x`: terraform.tfvars and *.auto.tfvars of the module directory (loaded
//            without being named), other *.tfvars there (loaded with -var-file: counted too, with
//            the variable's default), a `variable "x" { default = … }` in another file of the module
//   tf-local `local.x`: a `locals { x = … }` in another file of the module
// A reference with no committed value is the deployer's (`outcomes` reads it as empty).
import { loadYamlModule, parseYamlText, type YamlNode } from '../yaml.js';
import { refsOf, type RefSpace, type Resolve, type ValueExpr } from './expr.js';
import { readHcl } from './hcl.js';
import type { Assignment } from './types.js';

/** Files of the tree the assignments were read from. */
export interface TreeFiles {
  /** The text of a regular file, or null (absent, not text, too big). */
  read(path: string): Promise<string | null>;
  /** Paths of the regular files directly in `dir` ('' is the root). */
  list(dir: string): Promise<string[]>;
}

const RESOLVED: ReadonlySet<RefSpace> = new Set(['helm', 'tf-var', 'tf-local']);

/** True when some assignment's value refers to a name whose committed value the tree may hold. */
export function needsTreeValues(assignments: readonly Assignment[]): boolean {
  return assignments.some((a) => a.expr && refsOf(a.expr).some((r) => RESOLVED.has(r.ns)));
}

export async function committedValues(path: string, assignments: readonly Assignment[], files: TreeFiles): Promise<Resolve | undefined> {
  const wanted = new Map<RefSpace, Set<string>>();
  for (const a of assignments) {
    if (!a.expr) continue;
    for (const r of refsOf(a.expr)) {
      if (!RESOLVED.has(r.ns)) continue;
      let s = wanted.get(r.ns);
      if (!s) wanted.set(r.ns, (s = new Set()));
      s.add(r.name);
    }
  }
  if (wanted.size === 0) return undefined;
  const table = new Map<string, ValueExpr>();
  const helm = wanted.get('helm');
  if (helm) await helmValues(path, helm, files, table);
  const vars = wanted.get('tf-var');
  const locals = wanted.get('tf-local');
  if (vars || locals) await terraformValues(path, vars ?? new Set(), locals ?? new Set(), files, table);
  return (ns, name) => table.get(`${ns}\0${name}`);
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const join = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

async function helmValues(path: string, names: ReadonlySet<string>, files: TreeFiles, table: Map<string, ValueExpr>): Promise<void> {
  const segs = path.split('/');
  const t = segs.lastIndexOf('templates');
  if (t < 0) return;
  const chart = segs.slice(0, t).join('/');
  const Y = await loadYamlModule();
  const valuesOf = async (dir: string): Promise<YamlNode | null> => {
    for (const f of ['values.yaml', 'values.yml']) {
      const text = await files.read(join(dir, f));
      if (text === null) continue;
      const r = parseYamlText(text, Y);
      return r.errors.length === 0 ? (r.docs[0]?.contents ?? null) : null;
    }
    return null;
  };
  const own = await valuesOf(chart);
  const sub = /^(.*)\/charts\/([^/]+)$/.exec(chart);
  const parent = sub ? await valuesOf(sub[1]!) : null;
  for (const name of names) {
    const v = (parent ? scalarAt(parent, `${sub![2]}.${name}`) : undefined) ?? (own ? scalarAt(own, name) : undefined);
    if (v !== undefined) table.set(`helm\0${name}`, { k: 'lit', v });
  }
}

/** The string form of the scalar at a dotted path of a YAML map (null and absent: undefined). */
function scalarAt(root: YamlNode, dotted: string): string | undefined {
  let cur: YamlNode | null = root;
  for (const k of dotted.split('.')) {
    if (cur?.kind !== 'map') return undefined;
    cur = cur.pairs.find((p) => p.key === k)?.value ?? null;
  }
  return cur?.kind === 'scalar' && cur.value !== null ? (cur.value instanceof Uint8Array ? Buffer.from(cur.value).toString('utf8') : cur.text) : undefined;
}

async function terraformValues(path: string, vars: ReadonlySet<string>, locals: ReadonlySet<string>, files: TreeFiles, table: Map<string, ValueExpr>): Promise<void> {
  const dir = dirOf(path);
  const names = (await files.list(dir)).filter((p) => /\.(tf|tfvars)$/.test(p)).sort();
  const auto = new Map<string, ValueExpr[]>();
  const other = new Map<string, ValueExpr[]>();
  const decl = new Map<string, ValueExpr[]>();
  const add = (m: Map<string, ValueExpr[]>, k: string, e: ValueExpr) => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const p of names) {
    const text = await files.read(p);
    if (text === null) continue;
    const base = p.slice(p.lastIndexOf('/') + 1);
    let found: Assignment[];
    try {
      found = readHcl(text, undefined, (k) => vars.has(k) || locals.has(k));
    } catch {
      continue;
    }
    for (const a of found) {
      const e: ValueExpr = a.expr ?? (a.dynamic ? { k: 'unknown', text: a.value } : { k: 'lit', v: a.value });
      if (base.endsWith('.tfvars')) {
        if (a.syntax !== 'hcl' || !vars.has(a.key)) continue;
        add(base === 'terraform.tfvars' || base.endsWith('.auto.tfvars') ? auto : other, a.key, e);
      } else if (a.syntax === 'hcl-variable-default' && vars.has(a.key)) add(decl, a.key, e);
      else if (a.syntax === 'hcl-local' && locals.has(a.key)) table.set(`tf-local\0${a.key}`, e);
    }
  }
  for (const v of vars) {
    const a = auto.get(v) ?? [];
    const o = other.get(v) ?? [];
    const d = decl.get(v) ?? [];
    if (a.length > 0) table.set(`tf-var\0${v}`, { k: 'any', of: [...a, ...o] });
    else if (o.length > 0) table.set(`tf-var\0${v}`, { k: 'any', of: [...o, ...d, { k: 'unknown', text: `var.${v}` }] });
    else if (d.length > 0) table.set(`tf-var\0${v}`, { k: 'any', of: d });
  }
}
