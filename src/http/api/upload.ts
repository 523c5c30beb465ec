// Reading uploads: multipart/form-data (files and text fields) through busboy, with limits.
import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import type { ReportFile } from "../../app/import.js";
import { UserError } from "../../domain/errors.js";
import { paramName, repeatedParam } from "../request-input.js";
import { HttpError } from "../server.js";

export interface Upload {
  files: ReportFile[];
  fields: Record<string, string>;
}

export interface UploadLimits {
  /** Largest file, and largest upload in all (bytes). */
  fileBytes: number;
  files: number;
}

const FIELDS = 50;
const FIELD_BYTES = 10_000;

/** Reads a multipart/form-data body: every file part (any field name) and the text fields. */
export function readUpload(req: IncomingMessage, limits: UploadLimits): Promise<Upload> {
  const type = String(req.headers["content-type"] ?? "");
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(new UserError("bad_content_type", "upload report files as multipart/form-data (curl -F file=@report.csv …)"));
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: limits.fileBytes, files: limits.files, fields: FIELDS, fieldSize: FIELD_BYTES }, defParamCharset: "utf8" });
    } catch (e) {
      reject(new UserError("bad_multipart", `the multipart body cannot be read: ${(e as Error).message}`));
      return;
    }
    const files: ReportFile[] = [];
    const fields: Record<string, string> = Object.create(null);
    let failed: Error | null = null;
    let total = 0;
    const fail = (e: Error) => {
      if (failed) return;
      failed = e;
      req.unpipe(bb);
      req.resume();
      reject(e);
    };
    bb.on("file", (_field, stream, info) => {
      const parts: Buffer[] = [];
      stream.on("data", (c: Buffer) => {
        total += c.length;
        if (total > limits.fileBytes) fail(new HttpError(413, "body_too_large", `the upload is larger than ${limits.fileBytes} bytes`));
        else parts.push(c);
      });
      // A form that ends inside a file errors on the file's stream too: unhandled, that would escape.
      stream.on("error", (e: Error) => fail(new UserError("bad_multipart", `the multipart body cannot be read: ${e.message}`)));
      stream.on("limit", () => fail(new HttpError(413, "body_too_large", `${info.filename || "a file"} is larger than ${limits.fileBytes} bytes`)));
      stream.on("close", () => {
        if (!failed) files.push({ name: (info.filename || "upload").replace(/^.*[\\/]/, "").slice(0, 255), bytes: new Uint8Array(Buffer.concat(parts)) });
      });
    });
    bb.on("field", (given: string | undefined, value, info) => {
      const name = given ?? ""; // busboy gives no name for name=""
      if (info.nameTruncated || info.valueTruncated) fail(new UserError("field_too_long", `the form field ${paramName(name)} is longer than ${FIELD_BYTES} bytes`));
      else if (Object.hasOwn(fields, name)) fail(repeatedParam(name, "the form"));
      else fields[name] = value;
    });
    bb.on("fieldsLimit", () => fail(new UserError("too_many_params", `more than ${FIELDS} form fields`)));
    bb.on("filesLimit", () => fail(new UserError("too_many_files", `at most ${limits.files} files per upload`)));
    bb.on("error", (e: Error) => fail(new UserError("bad_multipart", `the multipart body cannot be read: ${e.message}`)));
    bb.on("close", () => {
      if (!failed) resolve({ files, fields });
    });
    req.pipe(bb);
  });
}
