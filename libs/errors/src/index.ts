export { AppError, type ErrorCode } from './app.error.js';
