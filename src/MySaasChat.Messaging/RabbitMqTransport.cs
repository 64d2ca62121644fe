using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MySaasChat.Messaging;

public sealed class RabbitMqOptions
{
    public required string Url { get; init; }
    public string Exchange { get; init; } = "mysaaschat.events";
    public string DeadLetterExchange { get; init; } = "mysaaschat.dead-letter";
    public string QueuePrefix { get; init; } = "mysaaschat.";
    public ushort Prefetch { get; init; } = 16;
    /// <summary>Handler attempts for one delivery before it is dead-lettered.</summary>
    public int MaxDeliveryAttempts { get; init; } = 5;
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public string ClientName { get; init; } = "mysaaschat";

    public string QueueFor(string consumer) => QueuePrefix + consumer;
    public string DeadLetterQueueFor(string consumer) => QueuePrefix + consumer + ".dead-letter";
}

/// <summary>
/// One connection per process (automatic recovery on), opened lazily so a broker that is down at
/// start-up only delays delivery: the outbox keeps every event until a publish is confirmed.
/// </summary>
public sealed class RabbitMqConnection(RabbitMqOptions options, SubscriptionCatalog catalog, ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _publishChannel;
    private bool _topologyDeclared;

    public RabbitMqOptions Options => options;

    public bool IsOpen => _connection?.IsOpen == true;

    public async Task<IConnection> GetConnectionAsync(CancellationToken ct)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is { IsOpen: true } again)
            {
                return again;
            }
            if (_connection is not null)
            {
                // Automatic recovery is still working on it; do not open a second connection.
                throw new InvalidOperationException("RabbitMQ connection is recovering");
            }
            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.Url),
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
                ClientProvidedName = options.ClientName,
            };
            var connection = await factory.CreateConnectionAsync(ct);
            connection.ConnectionShutdownAsync += (_, e) =>
            {
                logger.LogWarning("RabbitMQ connection lost: {Reason}", e.ReplyText);
                return Task.CompletedTask;
            };
            connection.RecoverySucceededAsync += (_, _) =>
            {
                logger.LogInformation("RabbitMQ connection recovered");
                return Task.CompletedTask;
            };
            _connection = connection;
            await DeclareTopologyAsync(connection, ct);
            return connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Declares the exchange and every consumer's durable queue with its dead-letter queue, for all
    /// modules (not only this process's), so an event published before its consumer first runs waits in the queue.
    /// </summary>
    private async Task DeclareTopologyAsync(IConnection connection, CancellationToken ct)
    {
        if (_topologyDeclared)
        {
            return;
        }
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(options.DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: ct);
        foreach (var consumer in catalog.Consumers)
        {
            await DeclareConsumerQueueAsync(channel, consumer, ct);
            foreach (var eventName in catalog.All.Where(s => s.Consumer == consumer).Select(s => s.EventName).Distinct())
            {
                await channel.QueueBindAsync(options.QueueFor(consumer), options.Exchange, eventName, cancellationToken: ct);
            }
        }
        _topologyDeclared = true;
    }

    internal async Task DeclareConsumerQueueAsync(IChannel channel, string consumer, CancellationToken ct)
    {
        var dlq = options.DeadLetterQueueFor(consumer);
        await channel.QueueDeclareAsync(dlq, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        await channel.QueueBindAsync(dlq, options.DeadLetterExchange, consumer, cancellationToken: ct);
        await channel.QueueDeclareAsync(options.QueueFor(consumer), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-dead-letter-exchange"] = options.DeadLetterExchange,
                ["x-dead-letter-routing-key"] = consumer,
            }, cancellationToken: ct);
    }

    /// <summary>Publishes with publisher confirms; returns only once the broker has the message.</summary>
    public async Task PublishAsync(string exchange, string routingKey, EventEnvelope envelope, IDictionary<string, object?>? extraHeaders, CancellationToken ct)
    {
        var connection = await GetConnectionAsync(ct);
        await _gate.WaitAsync(ct);
        try
        {
            if (_publishChannel is null || _publishChannel.IsClosed)
            {
                if (_publishChannel is not null)
                {
                    await _publishChannel.DisposeAsync();
                }
                _publishChannel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            }
            var headers = new Dictionary<string, object?>
            {
                ["occurred-at"] = envelope.OccurredAt.ToString("O"),
            };
            if (envelope.TraceParent is not null)
            {
                headers["traceparent"] = envelope.TraceParent;
            }
            if (extraHeaders is not null)
            {
                foreach (var (k, v) in extraHeaders)
                {
                    headers[k] = v;
                }
            }
            var props = new BasicProperties
            {
                MessageId = envelope.Id.ToString(),
                Type = envelope.Type,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(envelope.OccurredAt.ToUnixTimeSeconds()),
                Headers = headers,
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await _publishChannel.BasicPublishAsync(exchange, routingKey, mandatory: false, props, Encoding.UTF8.GetBytes(envelope.Payload), timeout.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_publishChannel is not null)
        {
            await _publishChannel.DisposeAsync();
        }
        if (_connection is not null)
        {
            try { await _connection.CloseAsync(); } catch (Exception) { /* closing anyway */ }
            await _connection.DisposeAsync();
        }
    }

    internal static EventEnvelope ToEnvelope(BasicDeliverEventArgs delivery)
    {
        var headers = delivery.BasicProperties.Headers;
        string? Header(string name) => headers is not null && headers.TryGetValue(name, out var v) && v is byte[] b ? Encoding.UTF8.GetString(b) : null;
        if (!Guid.TryParse(delivery.BasicProperties.MessageId, out var id))
        {
            throw new PoisonMessageException($"Message without a valid message id ('{delivery.BasicProperties.MessageId}').");
        }
        var occurred = DateTimeOffset.TryParse(Header("occurred-at"), out var at) ? at : DateTimeOffset.UtcNow;
        return new EventEnvelope(id, delivery.BasicProperties.Type ?? delivery.RoutingKey,
            Encoding.UTF8.GetString(delivery.Body.Span), occurred, Header("traceparent"));
    }
}

public sealed class RabbitMqTransport(RabbitMqConnection connection) : IEventTransport
{
    public string Name => "rabbitmq";

    public Task PublishAsync(EventEnvelope envelope, CancellationToken ct) =>
        connection.PublishAsync(connection.Options.Exchange, envelope.Type, envelope, null, ct);
}
