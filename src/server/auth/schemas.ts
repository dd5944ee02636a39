import { ROLES } from "./roles.js";

/** JSON schemas shared by the auth and users routes. */
export const userSchema = {
  type: "object",
  required: ["id", "name", "role", "disabled", "createdAt"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    role: { type: "string", enum: [...ROLES] },
    disabled: { type: "boolean" },
    createdAt: { type: "string" },
  },
} as const;

export const meSchema = {
  type: "object",
  required: ["id", "name", "role", "canSeeSensitive"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    role: { type: "string", enum: [...ROLES] },
    canSeeSensitive: { type: "boolean" },
  },
} as const;
