// `processes-js/webhook`: the webhook channel alone (processes-channel-webhook).
export * from 'processes-channel-webhook';
