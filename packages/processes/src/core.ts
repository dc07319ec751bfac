// `processes-js/core`: the engine alone (processes-core), without the
// channels and their dependencies (nodemailer).
export * from 'processes-core';
