"""pinscope's benchmark (`scripts/bench`): detection cost, live throughput, offline speed, memory."""
