export type { ClassTable, Membership } from './types';
