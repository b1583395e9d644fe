export * from "./ca.js";
export * from "./client-certificate.js";
export * from "./crl.js";
export * from "./der.js";
export * from "./x509.js";
