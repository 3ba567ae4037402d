import { createContext, useContext } from 'react';
import type { ConsoleConfig } from './config.ts';

export const ConsoleConfigContext = createContext<ConsoleConfig | null>(null);

export function useConsoleConfig(): ConsoleConfig {
  const config = useContext(ConsoleConfigContext);
  if (!config) throw new Error('useConsoleConfig must be used inside <ConsoleConfigContext.Provider>.');
  return config;
}
