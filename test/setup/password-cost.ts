import { useTestPasswordCost } from '../../server/services/users/passwords';

// Accounts made by this test file's factories and forms get argon2id at its smallest cost (see useTestPasswordCost):
// the suites make thousands, and the real cost (19 MiB, two passes) was a fifth of their CPU time. Services started
// as processes (`hubwatch serve`, the CLI) hash at the real cost.
useTestPasswordCost();
