import type { Logger } from '../core/log';
import type { CodebookService } from './codebook';
import type { EssayStore } from './essays';
import type { GraphService } from './graphService';

/** What the surfaces share: built once in `activate`. */
export interface Services {
  log: Logger;
  store: EssayStore;
  codebook: CodebookService;
  graph: GraphService;
}
