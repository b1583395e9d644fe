// The test engine's own program. Config: tiny-program:first (the first item's value), :key (the
// first item's replacement key, default k1), :token (secret), :extra (true adds an item that depends
// on the group), :readId (reads that existing item with `get` as "seen").
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

class Item extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super("tiny:index:Item", name, { ...args, length: undefined }, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name, opts) {
    super("tiny:components:Group", name, {}, opts);
    this.first = new Item(
      `${name}-first`,
      {
        value: config.require("first"),
        key: config.get("key") ?? "k1",
        secret: config.requireSecret("token"),
      },
      { parent: this },
    );
    // Depends on the first item's output: created after it, updated when its length changes.
    this.second = new Item(
      `${name}-second`,
      { value: this.first.length.apply((length) => `after-${length}`) },
      { parent: this },
    );
    this.registerOutputs({ firstLength: this.first.length, token: this.first.secret });
  }
}

const group = new Group("group");
if (config.getBoolean("extra")) new Item("extra", { value: "x" }, { dependsOn: [group] });

const readId = config.get("readId");
export const seenValue = readId ? new Item("seen", { value: undefined }, { id: readId }).value : undefined;

export const firstLength = group.first.length;
export const secondValue = group.second.value;
export const token = group.first.secret;
export const echoed = pulumi
  .output(pulumi.runtime.invoke("tiny:index:echo", { message: "hi" }))
  .apply((result) => result.message);
