// `processes-js/email`: the email channel alone (processes-channel-email).
export * from 'processes-channel-email';
