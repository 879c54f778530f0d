// The page to try the model: predict a tweet's sentiment, then say whether the model was right.
// Plain JavaScript, no build step. The API lives beside the page (data-api-base, e.g. "/api/").
// In Azure, predict and feedback need a function key: open the page as /api/ui?code=KEY and every
// API call carries it as the x-functions-key header.
(function () {
  "use strict";

  var DEFAULT_MAX_CHARS = 1000;
  var API_BASE = document.documentElement.getAttribute("data-api-base") || "/api/";
  var FUNCTION_KEY = new URLSearchParams(window.location.search).get("code");
  var numberFormat = new Intl.NumberFormat("en");

  var el = {
    notice: document.getElementById("service-notice"),
    form: document.getElementById("predict-form"),
    text: document.getElementById("tweet"),
    counter: document.getElementById("char-count"),
    formMessage: document.getElementById("form-message"),
    predict: document.getElementById("predict-button"),
    result: document.getElementById("result"),
    resultTitle: document.getElementById("result-title"),
    label: document.getElementById("result-label"),
    sentence: document.getElementById("result-sentence"),
    meterFill: document.getElementById("meter-fill"),
    meterThreshold: document.getElementById("meter-threshold"),
    probability: document.getElementById("result-probability"),
    feedbackAsk: document.getElementById("feedback-ask"),
    feedbackButtons: [document.getElementById("feedback-yes"), document.getElementById("feedback-no")],
    feedbackMessage: document.getElementById("feedback-message"),
    feedbackError: document.getElementById("feedback-error"),
    retry: document.getElementById("feedback-retry"),
    newPrediction: document.getElementById("new-prediction"),
    announcer: document.getElementById("announcer"),
    modelVersion: document.getElementById("model-version"),
  };

  var state = {
    maxChars: DEFAULT_MAX_CHARS,
    wasTooLong: false,
    busy: false,
    prediction: null, // the last answer of /predict, with the text it was made for
    pendingFeedback: null, // the feedback body kept while storage is down, sent again by Retry
  };

  // Counted like the service counts (code points), so "1 emoji" is 1, not 2.
  function charCount(text) {
    return Array.from(text).length;
  }

  function formatPercent(probability) {
    var percent = probability * 100;
    // 99.6 % would round to a misleading "100 %": keep one decimal near the ends.
    return (percent > 99 || percent < 1) && percent !== 0 && percent !== 100
      ? percent.toFixed(1) + "%"
      : Math.round(percent) + "%";
  }

  // ---- calling the API ---------------------------------------------------------------------------

  function ApiProblem(kind, status, code, message, retryAfter) {
    this.kind = kind; // "network" or "http"
    this.status = status;
    this.code = code;
    this.message = message;
    this.retryAfter = retryAfter;
  }

  function callApi(method, route, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (FUNCTION_KEY) headers["x-functions-key"] = FUNCTION_KEY;
    return fetch(API_BASE + route, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    }).then(
      function (response) {
        return response.text().then(function (raw) {
          var payload = null;
          try {
            payload = raw ? JSON.parse(raw) : null;
          } catch (ignored) {
            payload = null;
          }
          if (response.ok) return { status: response.status, body: payload };
          var error = (payload && payload.error) || {};
          throw new ApiProblem("http", response.status, error.code || "", error.message || "",
            response.headers.get("Retry-After"));
        });
      },
      function () {
        throw new ApiProblem("network", 0, "", "");
      }
    );
  }

  function retryHint(problem) {
    var seconds = parseInt(problem.retryAfter, 10);
    return seconds > 0 && seconds < 3600 ? "in about " + numberFormat.format(seconds) + " seconds" : "in a minute";
  }

  // What a person can do about a failed call, in plain words.
  function describePredictProblem(problem) {
    if (problem.kind === "network") {
      return "We could not reach the service. Check your connection, then press Predict to try again.";
    }
    if (problem.status === 401 || problem.status === 403) {
      return "This page needs an access key. Open it with the full link you were given (it ends with ?code=…).";
    }
    if (problem.code === "empty_text") return "Type or paste a tweet first.";
    if (problem.code === "text_too_long" || problem.status === 413) {
      return "This text is too long for the model. Shorten it to " + numberFormat.format(state.maxChars) +
        " characters or fewer.";
    }
    if (problem.status === 503) {
      return "The prediction service is not available right now. Please press Predict again " +
        retryHint(problem) + ".";
    }
    if (problem.status === 429) return "Too many requests at once. Please wait a moment and try again.";
    return "Something went wrong (error " + problem.status + "). Please try again." +
      (problem.message ? " Details: " + problem.message : "");
  }

  // ---- the text box ------------------------------------------------------------------------------

  // invalid: the text itself needs fixing (empty, too long), not the service.
  function showFormMessage(text, invalid) {
    el.formMessage.textContent = text;
    el.text.setAttribute("aria-invalid", text && invalid ? "true" : "false");
  }

  function updateCounter() {
    var count = charCount(el.text.value);
    var over = count - state.maxChars;
    var text = numberFormat.format(count) + " / " + numberFormat.format(state.maxChars) + " characters";
    if (over > 0) text += " – " + numberFormat.format(over) + " too many";
    el.counter.textContent = text;
    el.counter.classList.toggle("counter-over", over > 0);
    // Announce crossing the limit once, not on every key press.
    if (over > 0 && !state.wasTooLong) {
      showFormMessage("Too long: the limit is " + numberFormat.format(state.maxChars) + " characters.", true);
    } else if (over <= 0 && state.wasTooLong) {
      showFormMessage("");
    }
    state.wasTooLong = over > 0;
  }

  function setBusy(busy) {
    state.busy = busy;
    el.predict.disabled = busy;
    el.predict.textContent = busy ? "Predicting…" : "Predict";
    el.form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function submitPrediction() {
    if (state.busy) return;
    var text = el.text.value;
    var count = charCount(text);
    if (!text.trim()) {
      showFormMessage("Type or paste a tweet first.", true);
      el.text.focus();
      return;
    }
    if (count > state.maxChars) {
      showFormMessage("Too long: the limit is " + numberFormat.format(state.maxChars) + " characters. Remove " +
        numberFormat.format(count - state.maxChars) + " to continue.", true);
      el.text.focus();
      return;
    }
    showFormMessage("");
    hideResult();
    setBusy(true);
    callApi("POST", "predict", { text: text })
      .then(function (answer) {
        el.notice.textContent = ""; // the model answered, whatever health said before
        showResult(text, answer.body);
      })
      .catch(function (problem) {
        if (!(problem instanceof ApiProblem)) throw problem;
        var textProblem = problem.status === 400 || problem.status === 413;
        // The service's limit wins over what the page believed: "... the limit is 1000."
        var limit = problem.code === "text_too_long" && /limit is (\d+)/.exec(problem.message);
        if (limit) {
          state.maxChars = parseInt(limit[1], 10);
          updateCounter();
        }
        showFormMessage(describePredictProblem(problem), textProblem);
        el.text.focus();
      })
      .then(function () {
        setBusy(false);
      });
  }

  // ---- the result and the feedback ---------------------------------------------------------------

  function showResult(text, prediction) {
    state.prediction = { text: text, answer: prediction };
    state.pendingFeedback = null;
    var positive = prediction.sentiment === "positive";
    var name = positive ? "Positive" : "Negative";
    var percent = formatPercent(prediction.probability);

    el.label.textContent = name;
    el.label.className = "badge " + (positive ? "badge-positive" : "badge-negative");
    el.sentence.textContent = "The model thinks this tweet sounds " + name.toLowerCase() + ".";
    el.meterFill.className = "meter-fill " + (positive ? "meter-positive" : "meter-negative");
    el.meterFill.style.width = Math.max(0, Math.min(100, prediction.probability * 100)) + "%";
    // The marker sits at the model's operating threshold (chosen on validation data), not at 50%.
    if (typeof prediction.threshold === "number") {
      el.meterThreshold.style.left = Math.max(0, Math.min(100, prediction.threshold * 100)) + "%";
    }
    el.probability.textContent = "Probability that it is positive: " + percent;
    if (prediction.model_version) el.modelVersion.textContent = prediction.model_version;

    resetFeedback();
    el.result.hidden = false;
    el.announcer.textContent = "Result: " + name + ". Probability that it is positive: " + percent + ". Is this right?";
    el.resultTitle.focus();
  }

  function hideResult() {
    el.result.hidden = true;
    state.prediction = null;
    state.pendingFeedback = null;
  }

  function resetFeedback() {
    el.feedbackAsk.hidden = false;
    el.feedbackButtons.forEach(function (button) {
      button.disabled = false;
    });
    el.feedbackMessage.textContent = "";
    el.feedbackError.textContent = "";
    el.retry.hidden = true;
  }

  function sendFeedback(body) {
    state.pendingFeedback = body;
    el.feedbackButtons.forEach(function (button) {
      button.disabled = true;
    });
    el.retry.disabled = true;
    el.feedbackError.textContent = "";
    el.feedbackMessage.textContent = "Sending your answer…";
    callApi("POST", "feedback", body)
      .then(function (answer) {
        if (state.pendingFeedback !== body) return; // "New prediction" was pressed meanwhile
        var id = (answer.body && answer.body.id) || body.prediction_id; // the stored id is the prediction id
        state.pendingFeedback = null;
        el.feedbackAsk.hidden = true;
        el.retry.hidden = true;
        showConfirmation(id);
        el.newPrediction.focus();
      })
      .catch(function (problem) {
        if (!(problem instanceof ApiProblem)) throw problem;
        if (state.pendingFeedback !== body) return;
        el.feedbackMessage.textContent = "";
        el.feedbackError.textContent = describeFeedbackProblem(problem, body.is_correct ? "Yes" : "No");
        var canRetry = problem.kind === "network" || problem.status >= 500 || problem.status === 429;
        el.retry.hidden = !canRetry;
        el.retry.disabled = false;
        if (canRetry) {
          el.feedbackAsk.hidden = true;
          el.retry.focus();
        } else {
          el.feedbackButtons.forEach(function (button) {
            button.disabled = false;
          });
        }
      });
  }

  function showConfirmation(id) {
    var headline = document.createElement("strong");
    headline.textContent = "Thanks — your answer was recorded.";
    var reference = document.createElement("span");
    reference.className = "reference";
    reference.append("Reference: ");
    var code = document.createElement("code");
    code.id = "feedback-reference";
    code.textContent = id;
    reference.append(code);
    el.feedbackMessage.replaceChildren(headline, reference);
  }

  function describeFeedbackProblem(problem, answer) {
    var yours = "your answer “" + answer + "”";
    if (problem.status === 503) {
      return "Sorry, " + yours + " could not be saved right now because the storage is unavailable. " +
        "It was kept: press Retry " + retryHint(problem) + " to send it again.";
    }
    if (problem.kind === "network") {
      return "We could not reach the service, so " + yours + " was not sent yet. It was kept: press Retry to send it again.";
    }
    if (problem.status === 401 || problem.status === 403) {
      return "This page needs an access key to record answers. Open it with the full link you were given (it ends with ?code=…).";
    }
    if (problem.status >= 500) return "The service failed to record " + yours + ". It was kept: press Retry to send it again.";
    return "Sorry, " + yours + " was not accepted (error " + problem.status + ")." +
      (problem.message ? " Details: " + problem.message : "");
  }

  function answerFeedback(isCorrect) {
    var prediction = state.prediction;
    if (!prediction) return;
    sendFeedback({
      prediction_id: prediction.answer.prediction_id,
      text: prediction.text,
      sentiment: prediction.answer.sentiment,
      probability: prediction.answer.probability,
      model_version: prediction.answer.model_version,
      is_correct: isCorrect,
    });
  }

  function startOver() {
    hideResult();
    el.text.value = "";
    showFormMessage("");
    updateCounter();
    el.announcer.textContent = "";
    el.text.focus();
  }

  // ---- health: the limit and whether the model is up ---------------------------------------------

  function checkHealth() {
    callApi("GET", "health")
      .then(function (answer) {
        var health = answer.body || {};
        var limit = health.limits && health.limits.max_text_chars;
        if (typeof limit === "number" && limit > 0) state.maxChars = limit;
        el.modelVersion.textContent = health.model_version || "unknown";
        el.notice.textContent = "";
        updateCounter();
      })
      .catch(function (problem) {
        if (!(problem instanceof ApiProblem)) throw problem;
        el.modelVersion.textContent = "not available";
        el.notice.textContent = problem.kind === "network"
          ? "We could not reach the service. Predictions will fail until the connection is back."
          : "The model is not available right now, so predictions may fail. Please try again " + retryHint(problem) + ".";
      });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitPrediction();
  });
  el.text.addEventListener("keydown", function (event) {
    // Enter or Ctrl/Cmd+Enter predicts; Shift+Enter is a new line; never while composing (IME).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitPrediction();
    }
  });
  el.text.addEventListener("input", function () {
    updateCounter();
    if (state.wasTooLong === false && el.formMessage.textContent && el.text.value.trim()) showFormMessage("");
    // A result belongs to the text it was made for: editing the text retires it.
    if (state.prediction && el.text.value !== state.prediction.text && !state.pendingFeedback) hideResult();
  });
  el.feedbackButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      answerFeedback(button.getAttribute("data-correct") === "true");
    });
  });
  el.retry.addEventListener("click", function () {
    if (state.pendingFeedback) sendFeedback(state.pendingFeedback);
  });
  el.newPrediction.addEventListener("click", startOver);

  updateCounter();
  checkHealth();
})();
