import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../src/schema';

/** Writes schema/schema.graphql from the code (sorted). A test fails when the committed file differs. */
const target = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');
fs.writeFileSync(target, printAppSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
