// The one file of a ZIP archive, as a report download zips it (Microsoft Advertising's Reporting
// service answers with a ZIP holding one CSV). Bounded: an entry that would inflate past the limit
// is refused before it is inflated.
import { type Unzipped, unzipSync } from "fflate";
import { UserError } from "../domain/errors.js";

/** Largest entry inflated (a year of a large account's ad-level rows is well under this). */
const MAX_ENTRY_BYTES = 2 * 1024 ** 3 - 1;

/**
 * The name and bytes of the only file (directories aside) of a ZIP archive; a UserError when the
 * bytes are not a ZIP, hold no file or several, or a file would inflate past `maxBytes`.
 * @example onlyZipEntry(zipSync({ "report.csv": bytes })).name // "report.csv"
 */
export function onlyZipEntry(bytes: Uint8Array, maxBytes = MAX_ENTRY_BYTES): { name: string; bytes: Uint8Array } {
  let files: Unzipped;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > maxBytes) throw new UserError("zip_too_large", `the archive's ${f.name} would inflate to ${f.originalSize} bytes`);
        return !f.name.endsWith("/");
      },
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("bad_zip", `the archive cannot be unzipped (${(e as Error).message})`);
  }
  const names = Object.keys(files);
  if (names.length !== 1) throw new UserError("bad_zip", `the archive holds ${names.length} files, not one`);
  const name = names[0] as string;
  return { name, bytes: files[name] as Uint8Array };
}
