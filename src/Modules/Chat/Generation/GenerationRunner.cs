using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using MySaasChat.Hosting;
using StackExchange.Redis;
using MySaasChat.Contracts;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Hub;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Generation;

/// <summary>What a streaming client is told while a reply is generated.</summary>
public abstract record StreamEvent;
public sealed record DeltaEvent(Guid MessageId, string Text) : StreamEvent;
public sealed record UsageEvent(Guid MessageId, int PromptTokens, int CompletionTokens, decimal Cost, string Provider, string Model) : StreamEvent;
public sealed record ErrorEvent(Guid MessageId, string Code, string Message) : StreamEvent;
public sealed record DoneEvent(ChatMessageBody Message) : StreamEvent;

public sealed record GenerationRequest(
    Guid UserId, Guid ConversationId, Guid AssistantMessageId, ChatModel Model, IReadOnlyList<ChatMessage> Context, int PromptTokens);

/// <summary>A running reply: its events as they happen, and the stored message when it ends.</summary>
public sealed class RunningGeneration(GenerationRequest request)
{
    public GenerationRequest Request { get; } = request;
    public Channel<StreamEvent> Events { get; } = Channel.CreateUnbounded<StreamEvent>(new UnboundedChannelOptions { SingleReader = true });
    public CancellationTokenSource Stop { get; } = new();
    public Task<ChatMessageBody> Completion { get; internal set; } = null!;
    public string? ErrorCode { get; internal set; }
}

/// <summary>
/// Runs replies apart from the request that asked for them, so a client that disconnects loses
/// nothing: the reply is finished and stored, and a client that comes back reads it whole.
/// A reply ends complete, stopped (POST /stop, shutdown) or failed (every provider in the chain failed).
/// </summary>
public sealed class GenerationRunner(
    IServiceScopeFactory scopes, ProviderCatalog catalog, ChatSettings settings, TokenCounter tokens,
    ChatNotifier notifier, TimeProvider time, ILogger<GenerationRunner> logger,
    PlatformOptions platform, IConnectionMultiplexer? redis = null) : IHostedService
{
    private RedisChannel StopChannel => RedisChannel.Literal(platform.RedisKeyPrefix + "chat:stop");

    public static readonly Meter Meter = new("MySaasChat.Chat");
    private static readonly Counter<long> Completions = Meter.CreateCounter<long>("chat.completions", description: "Finished replies by provider, model and outcome");
    private static readonly Counter<long> TokensUsed = Meter.CreateCounter<long>("chat.tokens", description: "Prompt and completion tokens");
    private static readonly Histogram<double> FirstToken = Meter.CreateHistogram<double>("chat.time_to_first_token", "ms");
    private static readonly Histogram<double> Total = Meter.CreateHistogram<double>("chat.completion_duration", "ms");

    private readonly ConcurrentDictionary<Guid, RunningGeneration> _running = new();
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Replies of this user running on this instance.</summary>
    public int RunningFor(Guid userId) => _running.Values.Count(g => g.Request.UserId == userId);

    public RunningGeneration Start(GenerationRequest request)
    {
        var generation = new RunningGeneration(request);
        _running[request.AssistantMessageId] = generation;
        generation.Completion = Task.Run(() => RunAsync(generation));
        return generation;
    }

    /// <summary>
    /// Stops every reply running in a conversation and waits until each is stored. Behind a load
    /// balancer the reply may run on another instance: with Redis, every instance is told.
    /// </summary>
    public async Task<int> StopAsync(Guid conversationId)
    {
        var local = await StopLocalAsync(conversationId);
        if (redis is not null)
        {
            try { await redis.GetSubscriber().PublishAsync(StopChannel, conversationId.ToString()); }
            catch (RedisException ex) { logger.LogWarning(ex, "Stop could not be sent to other instances"); }
        }
        return local;
    }

    private async Task<int> StopLocalAsync(Guid conversationId)
    {
        var targets = _running.Values.Where(g => g.Request.ConversationId == conversationId).ToList();
        foreach (var g in targets) await g.Stop.CancelAsync();
        foreach (var g in targets)
        {
            try { await g.Completion.WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { }
        }
        return targets.Count;
    }

    private async Task<ChatMessageBody> RunAsync(RunningGeneration g)
    {
        var r = g.Request;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(g.Stop.Token, _shutdown.Token);
        var ct = cts.Token;
        var started = Stopwatch.GetTimestamp();
        var lastSave = started;
        double? firstTokenMs = null;
        var text = new StringBuilder();
        UsageDetails? usage = null;
        var answered = r.Model;
        var outcome = MessageStates.Failed;
        string? error = null, errorCode = null;
        var chain = catalog.Chain(r.Model);
        for (var i = 0; i < chain.Count; i++)
        {
            var model = chain[i];
            var last = i == chain.Count - 1;
            var circuit = catalog.Circuit(model.Provider);
            if (!circuit.AllowsRequest && !last)
            {
                continue;
            }
            answered = model;
            using var firstTokenTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            firstTokenTimeout.CancelAfter(settings.ProviderTimeout);
            try
            {
                var options = new ChatOptions { MaxOutputTokens = settings.MaxOutputTokens };
                await foreach (var update in model.Client.GetStreamingResponseAsync(r.Context, options, firstTokenTimeout.Token))
                {
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent u) usage = u.Details;
                    }
                    var delta = update.Text;
                    if (string.IsNullOrEmpty(delta)) continue;
                    if (firstTokenMs is null)
                    {
                        firstTokenMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        firstTokenTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
                        circuit.Success();
                    }
                    text.Append(delta);
                    g.Events.Writer.TryWrite(new DeltaEvent(r.AssistantMessageId, delta));
                    await notifier.Delta(r.ConversationId, r.AssistantMessageId, delta);
                    if (Stopwatch.GetElapsedTime(lastSave) >= settings.SaveInterval)
                    {
                        lastSave = Stopwatch.GetTimestamp();
                        await SavePartialAsync(r.AssistantMessageId, text.ToString());
                    }
                }
                circuit.Success();
                outcome = MessageStates.Complete;
                error = null;
                errorCode = null;
                break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                outcome = MessageStates.Stopped;
                break;
            }
            catch (Exception ex)
            {
                circuit.Failure();
                (errorCode, error) = ProviderErrors.Classify(ex, model.Provider);
                logger.LogWarning(ex, "Provider {Provider} failed on model {Model} ({Code})", model.Provider, model.Id, errorCode);
                if (text.Length > 0 || last)
                {
                    break; // tokens already reached the user: another model cannot continue this answer
                }
                usage = null;
            }
        }

        var totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var promptTokens = (int)(usage?.InputTokenCount ?? (text.Length > 0 || outcome == MessageStates.Complete ? r.PromptTokens : 0));
        var completionTokens = (int)(usage?.OutputTokenCount ?? tokens.Count(text.ToString()));
        var cost = Math.Round(promptTokens * answered.InputPrice / 1_000_000m + completionTokens * answered.OutputPrice / 1_000_000m, 8);
        g.ErrorCode = errorCode;

        Message stored;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            stored = await db.Messages.FirstOrDefaultAsync(m => m.Id == r.AssistantMessageId, CancellationToken.None)
                ?? new Message { Id = r.AssistantMessageId, ConversationId = r.ConversationId, UserId = r.UserId, Role = MessageRoles.Assistant, CreatedAt = time.GetUtcNow() };
            stored.Content = text.ToString();
            stored.State = outcome;
            stored.Provider = answered.Provider;
            stored.Model = answered.Id;
            stored.Error = error;
            stored.PromptTokens = promptTokens;
            stored.CompletionTokens = completionTokens;
            stored.CompletedAt = time.GetUtcNow();
            db.Usage.Add(new UsageRecord
            {
                UserId = r.UserId,
                ConversationId = r.ConversationId,
                MessageId = r.AssistantMessageId,
                Provider = answered.Provider,
                Model = answered.Id,
                PromptTokens = promptTokens,
                CompletionTokens = completionTokens,
                Cost = cost,
                FirstTokenMs = firstTokenMs,
                TotalMs = totalMs,
                Outcome = outcome,
                CreatedAt = time.GetUtcNow(),
            });
            var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == r.ConversationId, CancellationToken.None);
            if (conversation is null)
            {
                db.Entry(stored).State = EntityState.Detached; // deleted while the reply ran: keep only the usage
            }
            else
            {
                conversation.UpdatedAt = time.GetUtcNow();
                conversation.CurrentLeafId = stored.Id;
            }
            db.Publish(new CompletionFinished(stored.Id, r.ConversationId, r.UserId, answered.Provider, answered.Id,
                promptTokens, completionTokens, cost, firstTokenMs, totalMs, outcome));
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The conversation was deleted while the reply was running: nothing is left to store it in.
                logger.LogInformation("Conversation {Conversation} was deleted during a reply", r.ConversationId);
            }
        }

        var tags = new TagList { { "provider", answered.Provider }, { "model", answered.Id }, { "outcome", outcome } };
        Completions.Add(1, tags);
        TokensUsed.Add(promptTokens + completionTokens, tags);
        if (firstTokenMs is { } ft) FirstToken.Record(ft, tags);
        Total.Record(totalMs, tags);

        var body = stored.ToBody();
        g.Events.Writer.TryWrite(new UsageEvent(stored.Id, promptTokens, completionTokens, cost, answered.Provider, answered.Id));
        if (errorCode is not null && outcome == MessageStates.Failed)
        {
            g.Events.Writer.TryWrite(new ErrorEvent(stored.Id, errorCode, error!));
        }
        g.Events.Writer.TryWrite(new DoneEvent(body));
        g.Events.Writer.TryComplete();
        await notifier.Completed(r.ConversationId, body);
        _running.TryRemove(r.AssistantMessageId, out _);
        return body;
    }

    /// <summary>What was generated so far, so a client that reloads mid-reply sees it and a crash loses little.</summary>
    private async Task SavePartialAsync(Guid messageId, string content)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            await db.Messages.Where(m => m.Id == messageId && m.State == MessageStates.Streaming)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Content, content), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogWarning(ex, "Partial reply {Message} could not be saved", messageId);
        }
    }

    /// <summary>
    /// Replies left "streaming" by a process that died: nobody will finish them. Alone (no Redis) every
    /// such reply is orphaned; beside other instances only those older than an hour are.
    /// </summary>
    private async Task RecoverInterruptedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        var before = redis is null ? DateTimeOffset.MaxValue : time.GetUtcNow().AddHours(-1);
        var count = await db.Messages.Where(m => m.State == MessageStates.Streaming && m.CreatedAt < before)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.State, MessageStates.Failed)
                .SetProperty(m => m.Error, "interrupted: the server stopped during the reply"), ct);
        if (count > 0) logger.LogWarning("{Count} replies interrupted by a restart were marked failed", count);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try { await RecoverInterruptedAsync(cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Interrupted replies could not be recovered"); }
        if (redis is null) return;
        await redis.GetSubscriber().SubscribeAsync(StopChannel, (channel, value) =>
        {
            if (Guid.TryParse(value.ToString(), out var id) && _running.Values.Any(g => g.Request.ConversationId == id))
            {
                _ = StopLocalAsync(id);
            }
        });
    }

    /// <summary>On shutdown, running replies stop and are stored as stopped before the process exits.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        if (redis is not null)
        {
            try { await redis.GetSubscriber().UnsubscribeAsync(StopChannel); } catch (RedisException) { }
        }
        var pending = _running.Values.Select(g => g.Completion).ToArray();
        try { await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken); }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException) { }
        catch (Exception ex) { logger.LogWarning(ex, "A reply failed while shutting down"); }
    }
}
