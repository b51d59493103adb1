// The HTTP API takes the same tokens as gRPC: `Authorization: Bearer <token>`, or basic auth with
// the token as the password (any user name), for clients that only speak basic auth.
import { type IncomingHttpHeaders } from "node:http";

/** The authorization values as the shared authentication expects them (`Bearer <token>`). */
export function authorizationValues(headers: IncomingHttpHeaders): readonly string[] {
  const value = headers.authorization;
  if (value === undefined) return [];
  const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (basic === null) return [value];
  const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  // Not `user:password`: left as it is, authentication refuses it as malformed.
  return colon < 0 ? [value] : [`Bearer ${decoded.slice(colon + 1)}`];
}
