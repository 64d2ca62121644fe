using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Anthropic;
using Microsoft.Extensions.AI;
using MySaasChat.Contracts;
using OpenAI;

namespace MySaasChat.Modules.Chat.Providers;

/// <summary>A model the server can answer with, and the provider that serves it.</summary>
public sealed record ChatModel(string Id, string Provider, IChatClient Client, int ContextWindow, decimal InputPrice, decimal OutputPrice);

/// <summary>
/// Builds one IChatClient per configured provider (OpenAI and Anthropic through their official SDKs,
/// Gemini over REST, the offline model always), and keeps a circuit breaker for each.
/// </summary>
public sealed class ProviderCatalog : IDisposable
{
    private readonly List<ChatModel> _models = [];
    private readonly Dictionary<string, CircuitBreaker> _circuits = new(StringComparer.Ordinal);
    private readonly ChatSettings _settings;
    private readonly HttpClient _http;

    public ProviderCatalog(ChatSettings settings, TokenCounter tokens, TimeProvider time)
    {
        _settings = settings;
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var sdkTimeout = settings.ProviderTimeout * 5;
        foreach (var p in settings.Providers.Where(p => p.Configured))
        {
            _circuits[p.Name] = new CircuitBreaker(settings.CircuitFailures, settings.CircuitBreak, time);
            OpenAIClient? openai = p.Name is not ("openai" or "compatible") ? null : new OpenAIClient(new ApiKeyCredential(p.ApiKey ?? "none"), new OpenAIClientOptions
            {
                Endpoint = p.BaseUrl is null ? null : new Uri(p.BaseUrl),
                NetworkTimeout = sdkTimeout,
                RetryPolicy = new ClientRetryPolicy(settings.ProviderRetries),
            });
            AnthropicClient? anthropic = p.Name != "anthropic" ? null : new AnthropicClient
            {
                ApiKey = p.ApiKey!,
                BaseUrl = p.BaseUrl ?? "https://api.anthropic.com",
                MaxRetries = settings.ProviderRetries,
                Timeout = sdkTimeout,
            };
            foreach (var model in p.Models.Where(m => Find(m) is null))
            {
                IChatClient client = p.Name switch
                {
                    "openai" or "compatible" => openai!.GetChatClient(model).AsIChatClient(),
                    "anthropic" => anthropic!.AsIChatClient(model, settings.MaxOutputTokens),
                    "google" => new GeminiChatClient(_http, p.BaseUrl ?? GeminiChatClient.DefaultBaseUrl, p.ApiKey!, model, settings.ProviderRetries),
                    _ => throw new InvalidOperationException(p.Name),
                };
                var price = settings.PriceOf(model);
                _models.Add(new ChatModel(model, p.Name, client, settings.ContextWindowOf(model), price.In, price.Out));
            }
        }
        _circuits["offline"] = new CircuitBreaker(int.MaxValue, TimeSpan.Zero, time);
        _models.Add(new ChatModel(OfflineChatClient.ModelId, "offline", new OfflineChatClient(settings.OfflineDelayMs, tokens),
            settings.ContextWindowOf(OfflineChatClient.ModelId), 0m, 0m));
        DefaultModel = settings.DefaultModel is { } d && Find(d) is not null
            ? Find(d)!.Id
            : _models.FirstOrDefault(m => m.Provider != "offline")?.Id ?? OfflineChatClient.ModelId;
    }

    public string DefaultModel { get; }

    public IEnumerable<ChatModel> Models => _models;

    public ChatModel? Find(string modelId) => _models.FirstOrDefault(m => string.Equals(m.Id, modelId, StringComparison.OrdinalIgnoreCase));

    public CircuitBreaker Circuit(string provider) => _circuits[provider];

    public bool IsAvailable(ChatModel model) => _circuits[model.Provider].AllowsRequest;

    /// <summary>
    /// The chosen model first, then the default model of each provider in the configured fallback
    /// order (providers that are not configured, and the chosen model's own provider, are skipped).
    /// </summary>
    public IReadOnlyList<ChatModel> Chain(ChatModel chosen)
    {
        var chain = new List<ChatModel> { chosen };
        foreach (var provider in _settings.FallbackOrder)
        {
            if (provider == chosen.Provider) continue;
            if (_models.FirstOrDefault(m => m.Provider == provider) is { } m && !chain.Contains(m)) chain.Add(m);
        }
        return chain;
    }

    public ModelBody Describe(ChatModel m) =>
        new(m.Id, m.Provider, m.ContextWindow, m.InputPrice, m.OutputPrice, IsAvailable(m), m.Id == DefaultModel);

    public void Dispose()
    {
        foreach (var m in _models) m.Client.Dispose();
        _http.Dispose();
    }
}

/// <summary>Stops calling a provider after repeated failures, and lets one request try again after a pause.</summary>
public sealed class CircuitBreaker(int threshold, TimeSpan pause, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;

    public bool AllowsRequest
    {
        get { lock (_lock) return time.GetUtcNow() >= _openUntil; }
    }

    public void Success()
    {
        lock (_lock) { _failures = 0; _openUntil = DateTimeOffset.MinValue; }
    }

    public void Failure()
    {
        lock (_lock)
        {
            _failures++;
            if (_failures >= threshold)
            {
                _openUntil = time.GetUtcNow() + pause;
                _failures = threshold - 1; // half-open: one more failure after the pause opens it again
            }
        }
    }
}

/// <summary>What went wrong with a provider, in the stable codes clients see.</summary>
public static class ProviderErrors
{
    public static (string Code, string Message) Classify(Exception ex, string provider)
    {
        if (ex is TimeoutException or TaskCanceledException or OperationCanceledException)
        {
            return ("chat.provider_timeout", $"{provider} did not answer in time");
        }
        var status = StatusOf(ex);
        return status switch
        {
            401 or 403 => ("chat.provider_auth", $"{provider} refused the API key ({status})"),
            429 => ("chat.provider_rate_limited", $"{provider} is rate limiting requests (429)"),
            >= 500 => ("chat.provider_unavailable", $"{provider} failed ({status})"),
            { } s => ("chat.provider_error", $"{provider} rejected the request ({s})"),
            null => ("chat.provider_error", $"{provider} failed: {ex.GetType().Name}"),
        };
    }

    /// <summary>The HTTP status carried by an SDK's exception (OpenAI: Status, Anthropic: StatusCode, HttpRequestException: StatusCode).</summary>
    public static int? StatusOf(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case ClientResultException c when c.Status != 0: return c.Status;
                case HttpRequestException h when h.StatusCode is { } s: return (int)s;
            }
            foreach (var name in new[] { "StatusCode", "Status" })
            {
                var value = ex.GetType().GetProperty(name)?.GetValue(ex);
                switch (value)
                {
                    case HttpStatusCode code: return (int)code;
                    case int i when i != 0: return i;
                }
            }
        }
        return null;
    }
}

/// <summary>/health/detailed: degraded while a provider's circuit is open (the fallback or the user's retry still works).</summary>
public sealed class ProvidersHealthCheck(ProviderCatalog catalog) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var open = catalog.Models.Where(m => !catalog.IsAvailable(m)).Select(m => m.Provider).Distinct().ToList();
        return Task.FromResult(open.Count == 0
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"{catalog.Models.Count()} models")
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded($"circuit open: {string.Join(", ", open)}"));
    }
}
