using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace MySaasChat.Messaging;

/// <summary>
/// Consumes each active module's durable queue. A failing handler is retried with backoff a few
/// times; after that, or at once for a poison message, the message is moved to the consumer's
/// dead-letter queue with the reason in its headers, and acknowledged.
/// </summary>
public sealed class RabbitMqConsumers(
    RabbitMqConnection connection,
    SubscriptionCatalog catalog,
    EventDispatcher dispatcher,
    ILogger<RabbitMqConsumers> logger) : BackgroundService
{
    private readonly List<IChannel> _channels = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumers = catalog.ActiveConsumers.ToList();
        if (consumers.Count == 0)
        {
            return;
        }
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var conn = await connection.GetConnectionAsync(stoppingToken);
                foreach (var consumer in consumers)
                {
                    await StartConsumerAsync(conn, consumer, stoppingToken);
                }
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("RabbitMQ not reachable yet ({Error}); consumers start in {Delay}", ex.Message, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task StartConsumerAsync(IConnection conn, string consumerName, CancellationToken ct)
    {
        var options = connection.Options;
        var channel = await conn.CreateChannelAsync(cancellationToken: ct);
        _channels.Add(channel);
        await channel.BasicQosAsync(0, options.Prefetch, false, ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await HandleDeliveryAsync(channel, consumerName, delivery, ct);
        };
        await channel.BasicConsumeAsync(options.QueueFor(consumerName), autoAck: false, consumerTag: $"{options.ClientName}.{consumerName}.{Guid.NewGuid():N}", consumer: consumer, cancellationToken: ct);
        logger.LogInformation("Consuming {Queue}", options.QueueFor(consumerName));
    }

    private async Task HandleDeliveryAsync(IChannel channel, string consumerName, BasicDeliverEventArgs delivery, CancellationToken ct)
    {
        var options = connection.Options;
        Exception? failure = null;
        EventEnvelope? envelope = null;
        try
        {
            envelope = RabbitMqConnection.ToEnvelope(delivery);
            foreach (var subscription in catalog.ActiveFor(consumerName, envelope.Type).ToList())
            {
                await DispatchWithRetriesAsync(subscription, envelope, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true, CancellationToken.None);
            return;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is null)
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, false, CancellationToken.None);
            return;
        }

        logger.LogError(failure, "Dead-lettering message {MessageId} ({Type}) for {Consumer}",
            delivery.BasicProperties.MessageId, delivery.BasicProperties.Type, consumerName);
        MessagingTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("type", delivery.BasicProperties.Type));
        try
        {
            var dead = envelope ?? new EventEnvelope(Guid.TryParse(delivery.BasicProperties.MessageId, out var id) ? id : Guid.Empty,
                delivery.BasicProperties.Type ?? delivery.RoutingKey, System.Text.Encoding.UTF8.GetString(delivery.Body.Span),
                DateTimeOffset.UtcNow, null);
            await connection.PublishAsync(options.DeadLetterExchange, consumerName, dead, new Dictionary<string, object?>
            {
                ["x-error"] = Text.Truncate($"{failure.GetType().Name}: {failure.Message}", 1000),
                ["x-poison"] = failure is PoisonMessageException ? "true" : "false",
                ["x-original-routing-key"] = delivery.RoutingKey,
            }, ct);
            await channel.BasicAckAsync(delivery.DeliveryTag, false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Could not move it aside: let the broker dead-letter it (without our reason) rather than lose it.
            logger.LogWarning(ex, "Could not publish to the dead-letter exchange; rejecting instead");
            await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: false, CancellationToken.None);
        }
    }

    private async Task DispatchWithRetriesAsync(EventSubscription subscription, EventEnvelope envelope, CancellationToken ct)
    {
        var options = connection.Options;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dispatcher.DispatchAsync(subscription, envelope, ct);
                return;
            }
            catch (Exception ex) when (ex is not PoisonMessageException && ex is not OperationCanceledException && attempt < options.MaxDeliveryAttempts)
            {
                var wait = options.FirstRetryDelay * Math.Pow(2, attempt - 1);
                logger.LogWarning("Handler {Handler} failed on {EventId} (attempt {Attempt}), retrying in {Wait}: {Error}",
                    subscription.HandlerName, envelope.Id, attempt, wait, ex.Message);
                await Task.Delay(wait, ct);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var channel in _channels)
        {
            try { await channel.CloseAsync(cancellationToken); } catch (Exception) { /* shutting down */ }
        }
    }
}
