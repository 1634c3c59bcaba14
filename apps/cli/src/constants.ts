export const BULL_BOARD_PATH = '/admin/queues';
