/** `dlm datasets [--json]`: the built-in data sets, their shapes, classes, sizes, sources and licences. */
import { BUILTIN_DATASETS, formatDatasetTable, locateBuiltinDataset } from "../../runtime/data/builtin-datasets.js";
import { EXIT_OK } from "../cli-contract.js";

export function runDatasetsCommand(options: { json: boolean }): number {
  if (options.json) {
    const described = BUILTIN_DATASETS.map(({ load: _load, ...dataset }) => {
      const location = locateBuiltinDataset(BUILTIN_DATASETS.find((d) => d.name === dataset.name)!);
      return { ...dataset, installed: location.installed, ...(location.installed ? {} : { install: location.installCommand }) };
    });
    process.stdout.write(JSON.stringify(described, null, 2) + "\n");
    return EXIT_OK;
  }
  process.stdout.write(formatDatasetTable());
  const missing = BUILTIN_DATASETS.map((dataset) => ({ dataset, location: locateBuiltinDataset(dataset) })).filter(
    ({ location }) => !location.installed,
  );
  for (const { dataset, location } of missing) {
    process.stdout.write(`\nnote: \`${dataset.name}\` is not installed here; install it with \`${location.installCommand}\`\n`);
  }
  return EXIT_OK;
}
