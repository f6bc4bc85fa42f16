/**
 * Imperative verbs a task title may start with (verb-first naming: a title says what gets done): every
 * verb of WordNet (generated, verb-list.ts) plus the words of software work it does not have yet.
 */
import { wordnetVerbs } from './verb-list.js';

const softwareVerbs = `
triage dockerize containerize onboard offboard dedupe deduplicate upsert autoscale geocode memoize
serialize deserialize tokenize vectorize transpile minify uglify lint unpublish unsubscribe refetch
rerun resync reindex rehash retag rebrand reconfigure redeploy reimplement reinstall repackage
`;

export const titleVerbs: ReadonlySet<string> = new Set(
  `${wordnetVerbs}${softwareVerbs}`
    .split(/\s+/)
    .filter(Boolean)
    .concat(
      `
add adapt adjust align allow analyze apply archive assemble assess audit authenticate authorize automate
backfill backup benchmark bind bootstrap build bump bundle cache calculate call capture change check choose
clean clear close collect combine compile complete compose compute configure connect consolidate convert copy
create cut debug decide declare decode decompose define delete deliver deploy deprecate describe design detect
determine develop diagnose disable discover display document download draft drop dry embed emit enable encode
encrypt enforce ensure establish estimate evaluate expand explore export expose extend extract fetch file fill
filter finalize find finish fix flag format gather generate grant handle harden hash hook host identify implement
import improve include index initialize init inline inspect install instrument integrate introduce investigate
isolate join keep label launch lint link list load localize lock log make manage map mark measure merge migrate
minimize mock model modify monitor move name normalize notify obtain open optimize orchestrate organize outline
package paginate parallelize parse patch pause persist pick pin plan polish populate port prepare present prevent
print prioritize probe process produce profile propagate prototype provide provision prune publish pull push
query queue read rebuild receive record recover redact reduce refactor refine register reject release remove
rename render reorder reorganize repair replace report reproduce request research reset resolve restore
restructure resume retry return review revise rewrite rotate route run sanitize save scaffold scan schedule
scope score secure seed select send separate serve set setup ship show sign simplify simulate size skip sort
specify spike split stabilize stage standardize start stop store stream streamline stub style submit summarize
support swap switch sync tag test throttle trace track train transform translate trigger trim tune type
uninstall unify unlock update upgrade upload use validate verify version visualize warn watch wire wrap write
ask break do draw edit fork get give hire interview learn proofread put rebase sketch teach tidy tweak
`
        .split(/\s+/)
        .filter(Boolean),
    ),
);

/** The first word: what is before the first space, colon, comma or parenthesis, leading spaces skipped. */
const firstWord = /^\s*([^\s:,(]*)/;

export function startsWithVerb(title: string): boolean {
  // A match, not a split: a title is checked for every task (twice per validate), and splitting all of it
  // to read its first word was most of the cost.
  return titleVerbs.has(firstWord.exec(title)![1]!.toLowerCase());
}
