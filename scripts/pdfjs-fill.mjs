// Fills a guide the way Firefox does (pdf.js, legacy node build): values set through
// annotationStorage, then saveDocument(). Also prints the page text pdf.js extracts
// (getTextContent) as JSON, so check-readers.py can look for values in it.
//
//   node scripts/pdfjs-fill.mjs IN.pdf OUT.pdf '{"field.name": "text", "radio.name": "3"}'
//
// pdfjs-dist is looked up in $PDFJS_DIR (default: scripts/.pdfjs/node_modules/pdfjs-dist,
// where `npm install --prefix scripts/.pdfjs pdfjs-dist@4` puts it).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.PDFJS_DIR ?? join(here, ".pdfjs", "node_modules", "pdfjs-dist");
const pdfjs = await import(pathToFileURL(join(dir, "legacy", "build", "pdf.mjs")).href);

const [input, output, json] = process.argv.slice(2);
const values = JSON.parse(json ?? "{}");
const doc = await pdfjs.getDocument({
  data: new Uint8Array(readFileSync(input)),
  standardFontDataUrl: join(dir, "standard_fonts") + "/",
  verbosity: 0,
}).promise;

const fields = (await doc.getFieldObjects()) ?? {};
for (const [name, value] of Object.entries(values)) {
  const widgets = fields[name];
  if (!widgets) {
    console.error(`pdf.js: no field '${name}'`);
    process.exit(1);
  }
  for (const w of widgets) {
    if (w.type === "radiobutton") {
      // A radio button's storage value is whether it is the chosen one.
      doc.annotationStorage.setValue(w.id, { value: w.exportValues === value });
    } else {
      doc.annotationStorage.setValue(w.id, { value });
    }
  }
}
writeFileSync(output, await doc.saveDocument());

const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const content = await page.getTextContent();
  pages.push(content.items.map((item) => item.str).join(" "));
}
console.log(JSON.stringify({ pages }));
