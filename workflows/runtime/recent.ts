// A bounded memory of what this instance saw lately (a Map in insertion order): the entry set last is the newest,
// and beyond `max` entries the oldest is forgotten. For hints only: what is forgotten is looked up again.

/** Sets `key` as the newest entry of `map`; forgets the oldest when there are more than `max`. */
export function rememberNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
