using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MySaasChat.Testing;
using RabbitMQ.Client;

namespace MySaasChat.Integration.Tests.Platform;

/// <summary>What happens when a real dependency goes away and comes back.</summary>
public sealed class DependencyOutageTests
{
    [Fact]
    public async Task Detailed_health_turns_503_while_redis_is_down_and_200_when_it_returns()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["REDIS_URL"] = redis.Url });
        (await app.Client.GetAsync("/health/detailed")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await redis.StopAsync();
        await Eventually.TrueAsync(async () => (await app.Client.GetAsync("/health/detailed")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), "health to report Redis down");

        await redis.StartAsync();
        await Eventually.TrueAsync(async () => (await app.Client.GetAsync("/health/detailed")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "health to recover with Redis");
    }

    [Fact]
    public async Task An_event_written_while_rabbitmq_is_down_is_delivered_once_when_it_returns()
    {
        var settings = await TestServers.ProductionSettingsAsync();
        var probe = new ProbeModule();
        await using var app = await TestApp.StartAsync(settings, modules: [probe]);
        await Broker.WaitUntilConsumingAsync(settings["RABBITMQ_PREFIX"]! + ".probe");

        await Broker.StopAsync();
        try
        {
            var created = await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "written while the broker is down" });
            created.StatusCode.ShouldBe(HttpStatusCode.Created, "the write does not depend on the broker");
            await Task.Delay(TimeSpan.FromSeconds(2));
            (await app.Client.GetFromJsonAsync<List<HandledNote>>("/api/probe/handled"))!.ShouldBeEmpty();
        }
        finally
        {
            await Broker.StartAsync();
        }

        await Eventually.TrueAsync(async () => (await app.Client.GetFromJsonAsync<List<HandledNote>>("/api/probe/handled"))!.Count > 0,
            TimeSpan.FromSeconds(90), "the event to arrive after the broker returns");
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await app.Client.GetFromJsonAsync<List<HandledNote>>("/api/probe/handled"))!.Count.ShouldBe(1, "delivered exactly once");
        await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, "probe");
    }

    [Fact]
    public async Task A_poison_message_and_a_handler_that_always_fails_end_in_the_dead_letter_queue()
    {
        var settings = await TestServers.ProductionSettingsAsync();
        var prefix = settings["RABBITMQ_PREFIX"]!;
        var probe = new ProbeModule { AlwaysFail = true };
        await using var app = await TestApp.StartAsync(settings, modules: [probe]);
        await Broker.WaitUntilConsumingAsync(prefix + ".probe");

        // A message no one can read: not JSON at all.
        var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMqUrl) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var props = new BasicProperties { MessageId = Guid.NewGuid().ToString(), Type = nameof(NoteCreated), ContentType = "application/json" };
            await channel.BasicPublishAsync(prefix + ".events", nameof(NoteCreated), false, props, Encoding.UTF8.GetBytes("{{{ not json"));
        }
        // And a valid event whose handler throws every time.
        await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "never handled" });

        var dead = await Broker.DrainAsync(prefix + ".probe.dead-letter", expected: 2, TimeSpan.FromSeconds(60));
        dead.Count.ShouldBe(2);
        dead.ShouldContain(m => m.Poison && m.Error.Contains("does not deserialize"));
        dead.ShouldContain(m => !m.Poison && m.Error.Contains("probe handler fails"));
        probe.Attempts.ShouldBe(5, "the failing handler was retried before giving up");
        (await app.Client.GetFromJsonAsync<List<HandledNote>>("/api/probe/handled"))!.ShouldBeEmpty();
        await Broker.DeleteAsync(prefix, "probe");
    }

    [Fact]
    public async Task Two_instances_share_one_rate_limit_through_redis()
    {
        var prefix = TestServers.UniquePrefix("rl");
        var settings = new Dictionary<string, string?>
        {
            ["REDIS_URL"] = TestServers.RedisUrl,
            ["REDIS_KEY_PREFIX"] = prefix + ":",
            ["RATE_LIMIT_MAX_REQUESTS"] = "5",
            ["RATE_LIMIT_WINDOW_MS"] = "60000",
        };
        await using var first = await TestApp.StartAsync(settings);
        await using var second = await TestApp.StartAsync(settings);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var client = i % 2 == 0 ? first.Client : second.Client;
            statuses.Add((await client.GetAsync("/api/anything")).StatusCode);
        }
        statuses.Count(s => s != HttpStatusCode.TooManyRequests).ShouldBe(5, "five requests in all pass, whichever instance serves them");
        statuses.Skip(5).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
    }
}

/// <summary>Controls the shared RabbitMQ node: stop_app closes every connection and the port, like an outage.</summary>
internal static class Broker
{
    public static Task StopAsync() => Ctl("stop_app");

    public static async Task StartAsync()
    {
        await Ctl("start_app");
        await Ctl("await_startup");
    }

    public static async Task WaitUntilConsumingAsync(string queue) =>
        await Eventually.TrueAsync(async () =>
        {
            var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMqUrl) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var ok = await channel.QueueDeclarePassiveAsync(queue);
                return ok.ConsumerCount > 0;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"a consumer on {queue}");

    public sealed record DeadLetter(bool Poison, string Error);

    public static async Task<List<DeadLetter>> DrainAsync(string queue, int expected, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMqUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var found = new List<DeadLetter>();
        var deadline = DateTime.UtcNow + timeout;
        while (found.Count < expected && DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true);
            if (message is null)
            {
                await Task.Delay(200);
                continue;
            }
            string Header(string name) => message.BasicProperties.Headers is { } h && h.TryGetValue(name, out var v) && v is byte[] b ? Encoding.UTF8.GetString(b) : "";
            found.Add(new DeadLetter(Header("x-poison") == "true", Header("x-error")));
        }
        return found;
    }

    public static async Task DeleteAsync(string prefix, string consumer)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMqUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync($"{prefix}.{consumer}");
        await channel.QueueDeleteAsync($"{prefix}.{consumer}.dead-letter");
        await channel.ExchangeDeleteAsync($"{prefix}.events");
        await channel.ExchangeDeleteAsync($"{prefix}.dead-letter");
    }

    private static async Task Ctl(string command)
    {
        var psi = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-q");
        psi.ArgumentList.Add(command);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl {command} failed: {output}");
    }
}
