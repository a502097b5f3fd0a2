/**
 * Telling "Binance cannot be reached from here" apart from every other capture failure, so the
 * notebooks can fall back to saved or bundled data only when that is the reason.
 */
import { StreamlabError } from "../errors";

/** Whether an error means the network or host cannot be reached (as opposed to a bad request). */
export function isUnreachableError(error: unknown): boolean {
  return error instanceof StreamlabError && (error.code === "CONNECT_FAILED" || error.code === "SILENT_STREAM");
}
