// Consumes tiny:index:Pair as a program in another language would: a remote component registered by
// its type token (the provider builds it), whose outputs are named in its properties. Config:
// tiny-remote-program:first (the first item's value), :token (secret).
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const pair = new pulumi.ComponentResource(
  "tiny:index:Pair",
  "remote",
  {
    value: config.require("first"),
    secretInput: config.requireSecret("token"),
    firstLength: undefined,
    secondValue: undefined,
    token: undefined,
  },
  {},
  true,
);

// A resource of the program that depends on the component's output waits for the whole Construct.
class Item extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super("tiny:index:Item", name, { ...args, length: undefined }, opts);
  }
}
const after = new Item("after", { value: pair.secondValue.apply((value) => `then-${value}`) });

export const firstLength = pair.firstLength;
export const secondValue = pair.secondValue;
export const token = pair.token;
export const afterValue = after.value;
