// The ESM half of resolve-from-dlm.mjs, registered by it (module hooks run off the main thread).
let packageRootURL = "";

export function initialize(data) {
  packageRootURL = data.packageRootURL;
}

export async function resolve(specifier, context, nextResolve) {
  const parentURL = context.parentURL ?? "";
  const isDlmFile = parentURL.startsWith(packageRootURL) || parentURL.includes("/node_modules/");
  if (!isDlmFile && /^(dlm(\/|$)|@tensorflow\/)/.test(specifier)) {
    return nextResolve(specifier, { ...context, parentURL: `${packageRootURL}package.json` });
  }
  return nextResolve(specifier, context);
}
