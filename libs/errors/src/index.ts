export { AppError, type ErrorCode } from './app.error.js';
export { redactLocations } from './location.redactor.js';
export { PUBLIC_MESSAGE_CODES, publicErrorMessage } from './public-error.message.js';
