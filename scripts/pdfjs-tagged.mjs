// What pdf.js (Firefox; pdfjs-dist, legacy node build) tells assistive technology about a
// guide, printed as JSON for check-tagged.py: whether the document says it is tagged
// (getMarkInfo), each page's structure tree (getStructTree: its roles and how many
// nodes), and each widget's field name and tooltip (getAnnotations: alternativeText is
// what Firefox's annotation layer sets as the field's accessible name).
//
//   node scripts/pdfjs-tagged.mjs GUIDE.pdf
//
// pdfjs-dist is looked up in $PDFJS_DIR (default: scripts/.pdfjs/node_modules/pdfjs-dist,
// where `npm install --prefix scripts/.pdfjs pdfjs-dist@4` puts it).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.PDFJS_DIR ?? join(here, ".pdfjs", "node_modules", "pdfjs-dist");
const pdfjs = await import(pathToFileURL(join(dir, "legacy", "build", "pdf.mjs")).href);

const [input] = process.argv.slice(2);
const doc = await pdfjs.getDocument({
  data: new Uint8Array(readFileSync(input)),
  standardFontDataUrl: join(dir, "standard_fonts") + "/",
  verbosity: 0,
}).promise;

// Roles in document order, and the number of marked-content leaves, of one tree.
function walk(node, roles) {
  if (!node) return 0;
  if (node.type === "content") return 1;
  if (node.role && node.role !== "Root") roles.push(node.role);
  let leaves = 0;
  for (const child of node.children ?? []) leaves += walk(child, roles);
  return leaves;
}

const markInfo = await doc.getMarkInfo();
const pages = [];
const widgets = [];
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const tree = await page.getStructTree();
  const roles = [];
  const content = walk(tree, roles);
  pages.push({ page: i, tree: tree !== null, roles, content });
  for (const a of await page.getAnnotations()) {
    if (a.subtype !== "Widget") continue;
    widgets.push({
      page: i,
      name: a.fieldName,
      type: a.fieldType,
      alternativeText: a.alternativeText ?? "",
    });
  }
}
console.log(JSON.stringify({ marked: markInfo?.Marked === true, pages, widgets }));
