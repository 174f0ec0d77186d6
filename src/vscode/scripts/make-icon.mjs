#!/usr/bin/env node
/**
 * Renders the extension's icon (src/vscode/icon.png, 256×256) from the SVG below with sharp.
 * The PNG is committed; run this again only to change the drawing:
 *
 *   node src/vscode/scripts/make-icon.mjs
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

// Three layers of a network narrowing to an output, on the DLM blue: what a .dlm file describes.
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect width="256" height="256" rx="40" fill="#1f4e8c"/>
  <g stroke="#9cc3f5" stroke-width="5" opacity="0.9">
    ${[60, 100, 140, 180, 220].flatMap((y1) => [88, 128, 168].map((y2) => `<line x1="56" y1="${y1 - 12}" x2="128" y2="${y2}"/>`)).join("")}
    ${[88, 128, 168].map((y1) => `<line x1="128" y1="${y1}" x2="200" y2="128"/>`).join("")}
  </g>
  <g fill="#ffffff">
    ${[48, 88, 128, 168, 208].map((y) => `<circle cx="56" cy="${y}" r="13"/>`).join("")}
    ${[88, 128, 168].map((y) => `<circle cx="128" cy="${y}" r="15"/>`).join("")}
    <circle cx="200" cy="128" r="19" fill="#ffd166"/>
  </g>
</svg>`;

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "icon.png");
await sharp(Buffer.from(SVG)).png({ compressionLevel: 9 }).toFile(out);
console.log(`wrote ${out}`);
