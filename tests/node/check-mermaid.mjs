// Parse every ```mermaid block of the given Markdown files with Mermaid's own parser.
//
//   node tests/node/check-mermaid.mjs README.md docs/*.md
//
// Prints one JSON line per diagram ("line": the opening fence, 1-based): {"file", "line", "type"} when it parses, {"file", "line",
// "error"} when it does not; exits 1 if any diagram fails. Mermaid's parser sanitizes labels
// with DOMPurify, which needs a DOM: jsdom provides one (both pinned in tests/node/package.json, installed beside this script by ./dev.sh test).
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

function diagrams(file) {
  const found = [];
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```mermaid") continue;
    const start = i + 1;
    const body = [];
    for (i = start; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
    found.push({ line: start, text: body.join("\n") });
  }
  return found;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const { line, text } of diagrams(file)) {
    try {
      const { diagramType } = await mermaid.parse(text);
      console.log(JSON.stringify({ file, line, type: diagramType }));
    } catch (err) {
      failed++;
      const error = String(err?.message ?? err).split("\n").slice(0, 4).join(" | ");
      console.log(JSON.stringify({ file, line, error }));
    }
  }
}
process.exit(failed ? 1 : 0);
