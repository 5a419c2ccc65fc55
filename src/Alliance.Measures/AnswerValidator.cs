namespace Alliance.Measures;

/// <summary>
/// Checks answers against an instrument's items: the linkIds exist, each answer has the item's type and lies in its
/// range or options, required items are answered, and only free text allowed to be private is marked private.
/// Firely's validator checks the structure of a resource, not answers against a Questionnaire; this does the latter.
/// </summary>
public static class AnswerValidator
{
    /// <summary>Checks a set of answers.</summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="answers">The answers.</param>
    /// <param name="entry">How they were given: online (required items enforced) or transcribed.</param>
    /// <returns>Every error, each named by its field (<c>linkId</c> or <c>linkId[memberId]</c>); empty when valid.</returns>
    public static ValueList<AnswerError> Validate(Instrument instrument, IEnumerable<ItemAnswer> answers, AnswerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var errors = new List<AnswerError>();
        var seen = new HashSet<(string, string?)>();
        var members = new List<string>();

        foreach (var answer in answers)
        {
            if (answer is null)
            {
                continue;
            }
            var field = answer.FieldName;
            if (string.IsNullOrWhiteSpace(answer.LinkId))
            {
                errors.Add(new AnswerError("(no linkId)", "an answer has no linkId"));
                continue;
            }
            if (instrument.MemberGroup is { } group && answer.LinkId == group.MemberIdLinkId)
            {
                errors.Add(new AnswerError(field, "names the rated member; give it as the memberId of each rating instead"));
                continue;
            }
            var item = instrument.FindItem(answer.LinkId);
            if (item is null)
            {
                errors.Add(new AnswerError(field, $"is not an item of {instrument.Id}"));
                continue;
            }
            if (item.Kind == ItemKind.Display)
            {
                errors.Add(new AnswerError(field, "is text to read and takes no answer"));
                continue;
            }
            if (item.PerMember && string.IsNullOrWhiteSpace(answer.MemberId))
            {
                errors.Add(new AnswerError(field, "is rated for each member: the answer needs the member's id"));
                continue;
            }
            if (!item.PerMember && answer.MemberId is not null)
            {
                errors.Add(new AnswerError(field, "is not rated per member: the answer must not name a member"));
                continue;
            }
            if (!seen.Add((answer.LinkId, answer.MemberId)))
            {
                errors.Add(new AnswerError(field, "is answered more than once"));
                continue;
            }
            if (answer.MemberId is { } member && !members.Contains(member))
            {
                members.Add(member);
            }
            if (answer.IsPrivate && !item.PrivateAllowed)
            {
                errors.Add(new AnswerError(field, "cannot be kept private: only free-text items that allow it can"));
            }
            if (CheckValue(item, answer.Value) is { } message)
            {
                errors.Add(new AnswerError(field, message));
            }
        }

        if (entry == AnswerEntry.Online)
        {
            // In form order: the items rated per member come member by member where their group stands.
            var perMemberDone = false;
            foreach (var item in instrument.Items)
            {
                if (!item.PerMember)
                {
                    if (item.Required && !seen.Contains((item.LinkId, null)))
                    {
                        errors.Add(new AnswerError(item.LinkId, "is required"));
                    }
                    continue;
                }
                if (perMemberDone)
                {
                    continue;
                }
                perMemberDone = true;
                foreach (var member in members)
                {
                    foreach (var memberItem in instrument.Items.Where(i => i.PerMember && i.Required && !seen.Contains((i.LinkId, member))))
                    {
                        errors.Add(new AnswerError(FieldNames.For(memberItem.LinkId, member), "is required"));
                    }
                }
            }
            if (instrument.MemberGroup is { } group && members.Count == 0)
            {
                errors.Add(new AnswerError(group.LinkId, "rate at least one member"));
            }
        }
        return errors.ToValueList();
    }

    private static string? CheckValue(InstrumentItem item, AnswerValue? value)
    {
        switch (item.Kind, value)
        {
            case (_, null):
                return "has no value";
            case (ItemKind.Scale, IntegerAnswer integer):
                return integer.Value < item.Min || integer.Value > item.Max
                    ? $"{integer.Value} is outside the scale {DefinitionReader.Format(item.Min!.Value)} to {DefinitionReader.Format(item.Max!.Value)}"
                    : null;
            case (ItemKind.Choice, CodedAnswer coded):
                return item.Options.Any(o => o.Code == coded.Code)
                    ? null
                    : $"\"{coded.Code}\" is not one of the options ({string.Join(", ", item.Options.Select(o => o.Code))})";
            case (ItemKind.YesNo, YesNoAnswer):
                return null;
            case (ItemKind.FreeText, TextAnswer text):
                if (string.IsNullOrWhiteSpace(text.Text))
                {
                    return "is empty: leave an unanswered text out";
                }
                return item.MaxLength is { } max && text.Text.Length > max
                    ? $"is {text.Text.Length} characters long; at most {max} are accepted"
                    : null;
            default:
                return $"expects {Expected(item)}, not {Describe(value)}";
        }
    }

    private static string Expected(InstrumentItem item) => item.Kind switch
    {
        ItemKind.Scale => $"a whole number from {DefinitionReader.Format(item.Min ?? 0)} to {DefinitionReader.Format(item.Max ?? 0)}",
        ItemKind.Choice => "the code of one of its options",
        ItemKind.YesNo => "yes or no",
        _ => "text",
    };

    private static string Describe(AnswerValue value) => value switch
    {
        IntegerAnswer => "a number",
        CodedAnswer => "a code",
        YesNoAnswer => "yes or no",
        _ => "text",
    };
}
