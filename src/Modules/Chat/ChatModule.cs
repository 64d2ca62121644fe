using Microsoft.AspNetCore.SignalR;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Endpoints;
using MySaasChat.Modules.Chat.Events;
using MySaasChat.Modules.Chat.Generation;
using MySaasChat.Modules.Chat.Hub;
using MySaasChat.Modules.Chat.Providers;
using StackExchange.Redis;

namespace MySaasChat.Modules.Chat;

/// <summary>Conversations, AI providers with live streaming, the hub, usage and quotas (target chat, port 3002).</summary>
public sealed class ChatModule : IModule
{
    public string Name => "chat";
    public string Target => "chat";

    public void AddSubscriptions(SubscriptionCatalog catalog, IServiceCollection? services)
    {
        catalog.AddHandler<UserDeleted, UserDeletedHandler, ChatDbContext>(services, Name);
        catalog.AddHandler<SubscriptionChanged, SubscriptionChangedHandler, ChatDbContext>(services, Name);
    }

    public void AddServices(WebApplicationBuilder builder, PlatformOptions options)
    {
        var services = builder.Services;
        var settings = ChatSettings.Load(builder.Configuration);
        services.AddSingleton(settings);
        services.AddModuleDatabase<ChatDbContext, SqliteChatDbContext, PostgresChatDbContext>(options, Name);
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<ProviderCatalog>();
        services.AddSingleton<ConversationContext>();
        services.AddSingleton<Quotas>();
        services.AddSingleton<ChatNotifier>();
        services.AddSingleton<GenerationRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<GenerationRunner>());
        services.AddHealthChecks().AddCheck<ProvidersHealthCheck>("chat:providers", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, [HealthTags.Optional]);

        var signalr = services.AddSignalR(o => o.EnableDetailedErrors = false)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        if (options.Redis is not null)
        {
            // Two chat instances behind nginx deliver each other's deltas through Redis.
            signalr.AddStackExchangeRedis(o =>
            {
                o.Configuration = options.Redis.Clone();
                o.Configuration.ChannelPrefix = RedisChannel.Literal(options.RedisKeyPrefix + "signalr");
            });
        }
    }

    public void MapEndpoints(WebApplication app)
    {
        var group = app.MapGroup("/api/chat")
            .RequireAuthorization()
            .AddEndpointFilter<ValidationFilter>()
            .WithTags("Chat");
        CreateConversation.Map(group);
        ListConversations.Map(group);
        GetConversation.Map(group);
        UpdateConversation.Map(group);
        DeleteConversation.Map(group);
        ExportConversation.Map(group);
        SendMessage.Map(group);
        RegenerateMessage.Map(group);
        StopGeneration.Map(group);
        ListModels.Map(group);
        GetUsage.Map(group);
        app.MapHub<ChatHub>("/api/chat/hub", o => o.Transports =
            Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets | Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling);
    }
}
