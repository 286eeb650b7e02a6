import { OpenAPIHono } from '@hono/zod-openapi';
import type { UserClaims } from '../lib/auth.ts';
import type { Logger } from '../lib/logger.ts';
import { AppError } from '../lib/errors.ts';

export interface AppEnv {
  Variables: { requestId: string; log: Logger; user: UserClaims };
}

/** A router whose validation failures answer 422 with the failing fields' paths. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
        throw new AppError(
          'validation_error',
          `The request is not valid: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
          { issues, target: result.target },
        );
      }
    },
  });
}
