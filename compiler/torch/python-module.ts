/**
 * The text of a generated `nn.Module` class: a docstring, `__init__` building the layers and
 * `forward` running them on `x`. The model and its backbones are written through it alike.
 */

/** A docstring's text: backslashes and triple quotes cannot end or bend it. */
function docstringText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"');
}

/**
 * The class `className`: `docstring` (its first line the summary), `init` (lines of
 * `__init__`, indented for it) and `forward` (lines of `forward`, which returns `x`).
 */
export function moduleClassCode(className: string, docstring: readonly string[], init: readonly string[], forward: readonly string[]): string {
  const [summary = "", ...more] = docstring.map(docstringText);
  return [
    `class ${className}(nn.Module):`,
    ...(more.length === 0 ? [`    """${summary}"""`] : [`    """${summary}`, ...more.map((line) => (line === "" ? "" : `    ${line}`)), '    """']),
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...(init.length === 0 ? ["        pass"] : init),
    "",
    "    def forward(self, x):",
    ...forward,
    "        return x",
  ].join("\n");
}
