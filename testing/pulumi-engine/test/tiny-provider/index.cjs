// A tiny resource provider for the test engine's own tests. `tiny:index:Item` is a JSON file under
// $TINY_DIR/objects; every create, update, delete and read is appended to $TINY_DIR/journal.log so
// tests see exactly what the engine asked for and in which order. A `key` change replaces an item.
// `tiny:index:Pair` is a remote component (Construct): two items built in this process, registered
// with the monitor the engine names, as a program in any language would consume it.
"use strict";
const { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const pulumi = require("@pulumi/pulumi");

const root = process.env.TINY_DIR;
if (!root) throw new Error("TINY_DIR must name the directory the tiny provider keeps its items in");
const objects = join(root, "objects");
mkdirSync(objects, { recursive: true });

const journal = (line) => appendFileSync(join(root, "journal.log"), `${line}\n`);
const nameOf = (urn) => urn.split("::").pop();
const file = (id) => join(objects, `${id}.json`);
const outputsOf = (inputs) => ({ ...inputs, length: String(inputs.value).length });

class Item extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super("tiny:index:Item", name, { ...args, length: undefined }, opts);
  }
}

const provider = {
  version: "1.0.0",
  async check(_urn, _olds, news) {
    const failures =
      typeof news.value === "string" && news.value !== ""
        ? []
        : [{ property: "value", reason: "must be a non-empty string" }];
    return { inputs: news, failures };
  },
  async diff(_id, _urn, olds, news) {
    const replaces = olds.key === news.key ? [] : ["key"];
    const diffs = ["value", "secret", "key"].filter(
      (key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
    );
    return { changes: diffs.length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(urn, inputs) {
    const id = `${inputs.key ?? "item"}-${nameOf(urn)}`;
    writeFileSync(file(id), JSON.stringify(outputsOf(inputs)));
    journal(`create ${nameOf(urn)} ${id}`);
    return { id, outs: outputsOf(inputs) };
  },
  async read(id, urn, props) {
    journal(`read ${nameOf(urn)} ${id}`);
    if (!existsSync(file(id))) return { id: "", props: {} };
    const stored = JSON.parse(readFileSync(file(id), "utf8"));
    return { id, props: { ...props, ...stored } };
  },
  async update(id, urn, _olds, news) {
    writeFileSync(file(id), JSON.stringify(outputsOf(news)));
    journal(`update ${nameOf(urn)} ${id}`);
    return { outs: outputsOf(news) };
  },
  async delete(id, urn) {
    rmSync(file(id), { force: true });
    journal(`delete ${nameOf(urn)} ${id}`);
  },
  async construct(name, type, inputs, options) {
    if (type !== "tiny:index:Pair") throw new Error(`unknown component type ${type}`);
    journal(`construct ${name}`);
    const component = new pulumi.ComponentResource(type, name, {}, options);
    const first = new Item(
      `${name}-first`,
      { value: inputs.value, secret: inputs.secretInput },
      { parent: component },
    );
    const second = new Item(
      `${name}-second`,
      { value: first.length.apply((length) => `after-${length}`) },
      { parent: component },
    );
    const state = { firstLength: first.length, secondValue: second.value, token: first.secret };
    component.registerOutputs(state);
    return { urn: component.urn, state };
  },
  async invoke(token, inputs) {
    if (token !== "tiny:index:echo") throw new Error(`unknown function ${token}`);
    return { outputs: inputs, failures: [] };
  },
};

module.exports = pulumi.provider.main(provider, process.argv.slice(2));
