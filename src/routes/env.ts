import { OpenAPIHono } from '@hono/zod-openapi';
import type { UserClaims } from '../lib/auth.ts';
import type { Logger } from '../lib/logger.ts';
import { AppError } from '../lib/errors.ts';
import type { Lang } from '../i18n/index.ts';
import { msg } from '../i18n/index.ts';

export interface AppEnv {
  Variables: { requestId: string; log: Logger; user: UserClaims; lang: Lang };
}

/** A router whose validation failures answer 422 with the failing fields' paths. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
        throw new AppError(
          'validation_error',
          msg('error.validation', { issues: issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ') }),
          { issues, target: result.target },
        );
      }
    },
  });
}
