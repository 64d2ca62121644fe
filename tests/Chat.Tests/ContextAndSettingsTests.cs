extern alias chat;

using chat::MySaasChat.Modules.Chat;
using chat::MySaasChat.Modules.Chat.Domain;
using chat::MySaasChat.Modules.Chat.Generation;
using chat::MySaasChat.Modules.Chat.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using MySaasChat.Hosting;

namespace Chat.Tests;

public sealed class ContextAndSettingsTests
{
    private static readonly TokenCounter Tokens = new();

    private static ChatSettings Load(params (string, string)[] pairs) =>
        ChatSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2))).Build());

    private static List<Message> Chain(int count, Func<int, string> text)
    {
        var list = new List<Message>();
        Guid? parent = null;
        for (var i = 0; i < count; i++)
        {
            var m = new Message { ParentId = parent, Role = i % 2 == 0 ? MessageRoles.User : MessageRoles.Assistant, Content = text(i), CreatedAt = DateTimeOffset.UtcNow.AddSeconds(i) };
            list.Add(m);
            parent = m.Id;
        }
        return list;
    }

    [Fact]
    public void Only_the_last_MAX_CONTEXT_MESSAGES_of_the_branch_are_sent_after_the_system_prompt()
    {
        var context = new ConversationContext(Load(("MAX_CONTEXT_MESSAGES", "3")), Tokens);
        var all = Chain(7, i => $"message {i}");
        var branch = ConversationContext.Branch(all, all[^1].Id);
        branch.Count.ShouldBe(7);

        var (messages, promptTokens) = context.Build("You are terse.", branch, 128_000);

        messages.Select(m => m.Text).ShouldBe(["You are terse.", "message 4", "message 5", "message 6"]);
        messages[0].Role.ShouldBe(ChatRole.System);
        messages[^1].Role.ShouldBe(ChatRole.User);
        promptTokens.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Old_messages_are_dropped_to_fit_the_window_with_room_for_the_answer()
    {
        var context = new ConversationContext(Load(("CHAT_MAX_OUTPUT_TOKENS", "100")), Tokens);
        var word = string.Join(' ', Enumerable.Repeat("lorem", 150)); // about 150 tokens each
        var branch = Chain(6, i => $"{i} {word}");

        var (messages, promptTokens) = context.Build(null, branch, 600);

        promptTokens.ShouldBeLessThanOrEqualTo(500);
        messages.Count.ShouldBeInRange(2, 3);
        messages[^1].Text.ShouldStartWith("5 ");
    }

    [Fact]
    public void A_single_message_longer_than_the_window_keeps_its_end()
    {
        var context = new ConversationContext(Load(("CHAT_MAX_OUTPUT_TOKENS", "100")), Tokens);
        var huge = string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"w{i}")) + " THE QUESTION";
        var (messages, promptTokens) = context.Build(null, Chain(1, _ => huge), 500);

        messages.ShouldHaveSingleItem().Text.ShouldEndWith("THE QUESTION");
        Tokens.Count(messages[0].Text).ShouldBeLessThanOrEqualTo(400);
        promptTokens.ShouldBeLessThanOrEqualTo(400);
    }

    [Theory]
    [InlineData("MODEL_PRICES", "gpt-4o=abc")]
    [InlineData("MODEL_CONTEXT_WINDOWS", "gpt-4o=10")]
    [InlineData("CHAT_FALLBACK_ORDER", "openai,mistral")]
    [InlineData("FREE_MONTHLY_TOKEN_QUOTA", "-5")]
    [InlineData("OPENAI_BASE_URL", "not a url")]
    [InlineData("MAX_CONTEXT_MESSAGES", "0")]
    public void A_bad_setting_names_its_variable(string variable, string value)
    {
        var ex = Should.Throw<SettingsException>(() => Load((variable, value)));
        ex.Variable.ShouldBe(variable);
    }

    [Fact]
    public void Prices_and_windows_can_be_configured_for_any_model()
    {
        var settings = Load(("MODEL_PRICES", "llama3=0.1:0.2"), ("MODEL_CONTEXT_WINDOWS", "llama3=32768"), ("PRO_MONTHLY_TOKEN_QUOTA", "7"));
        settings.PriceOf("llama3").ShouldBe((0.1m, 0.2m));
        settings.ContextWindowOf("llama3").ShouldBe(32768);
        settings.QuotaOf("pro").ShouldBe(7);
        settings.QuotaOf("enterprise").ShouldBe(0);
    }
}
