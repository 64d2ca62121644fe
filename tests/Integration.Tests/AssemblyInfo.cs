// These tests share real servers and some of them stop and start those servers (RabbitMQ, Redis):
// they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
