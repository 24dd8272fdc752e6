/** Reactions offered as one tap in the message menu; any other single emoji can be typed. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;
