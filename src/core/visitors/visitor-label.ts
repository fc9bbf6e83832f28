import { randomInt } from "node:crypto";

const ADJECTIVES = ["Amber", "Brave", "Calm", "Clever", "Coral", "Gentle", "Golden", "Happy", "Jade", "Lucky", "Mellow", "Misty", "Noble", "Quiet", "Rosy", "Silver", "Sunny", "Swift", "Teal", "Witty"];
const ANIMALS = ["Badger", "Crane", "Dolphin", "Falcon", "Fox", "Hare", "Heron", "Koala", "Lynx", "Marten", "Otter", "Owl", "Panda", "Puffin", "Robin", "Seal", "Sparrow", "Tiger", "Whale", "Wren"];

/** A name an agent can say out loud ("Calm Otter 42") until the visitor gives a real one. */
export const newVisitorLabel = (): string =>
  `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]} ${randomInt(10, 100)}`;
