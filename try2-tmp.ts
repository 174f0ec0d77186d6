import { parseDlm } from "./grammar/parse.js";
for (const text of ['experiment e { data { tokenize(vocab: 10) split { validation: 0.1 } } }', 'experiment e { data { tokenize(vocab: 10)\n split { validation: 0.1 } } }', 'experiment e { callbacks { early_stopping(patience: 1) progress() } }']) {
const r = parseDlm(text, "x.dlm");
const exp = r.ast.declarations[0] as any;
const show = (ms: any[]): any => ms.map((m: any) => ({kind: m.kind, name: m.name?.name ?? m.call?.callee.name, args: m.args?.length, members: m.members ? show(m.members) : undefined}));
console.log(JSON.stringify(show(exp.members)), r.diagnostics.map(d => d.message));
}
