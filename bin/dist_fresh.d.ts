/** The first source file (relative to `root`) whose compiled dist/ file is missing or older, or null. */
export function staleSource(root: string): string | null;
