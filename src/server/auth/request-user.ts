import type { Access, Role } from "./roles.js";

/** The signed-in user, as handlers see it in `request.user`. */
export interface RequestUser {
  id: string;
  name: string;
  role: Role;
  /** true for roles that hold the witness key (admin): may reveal sealed witness fields */
  canSeeSensitive: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    /**
     * Set by the auth hook on every non-public route (a route with access "viewer" or higher never runs its
     * handler without it). On public routes it is set only when a valid session came with the request;
     * check it there before use.
     */
    user: RequestUser;
  }
  interface FastifyContextConfig {
    /** who may call the route; required on every route (the server refuses to start without it) */
    access?: Access;
  }
}
