import { AuthChecker } from 'type-graphql';
import { Context } from '../../context';
import { AppError } from '../errors/app-error';

/** `@Authorized()`: any valid token; `@Authorized(roles)`: one of those roles. Nothing is written when it throws. */
export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  if (!context.viewer) throw new AppError('UNAUTHENTICATED', 'A valid bearer token is required');
  if (roles.length > 0 && !roles.includes(context.viewer.role)) {
    throw new AppError('FORBIDDEN', `Role ${context.viewer.role} may not do this`);
  }
  return true;
};
