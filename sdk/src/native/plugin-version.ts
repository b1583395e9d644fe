/** The pgaas provider plugin version these classes were written against (provider/PulumiPlugin.yaml). */
export const PLUGIN_VERSION = "0.1.0";
