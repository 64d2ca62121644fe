using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MySaasChat.Messaging;

public static class MessagingTelemetry
{
    public const string Name = "MySaasChat.Messaging";
    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    public static readonly Counter<long> Published = Meter.CreateCounter<long>("events_published_total", description: "Integration events handed to the bus");
    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>("events_consumed_total", description: "Integration events handled, by consumer and outcome");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("events_dead_lettered_total", description: "Integration events given up on");
}
